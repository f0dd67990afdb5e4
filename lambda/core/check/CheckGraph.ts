/**
 * The graph `check` evaluates, whatever it was read from (CloudFormation, SAM, a CDK cloud
 * assembly, a Terraform plan): who calls which function, and which grants the function's
 * resource-based policy will hold. Strings may hold symbols (see SymbolTable).
 */
import type { ContextValue, RequestPrincipal } from '../verify/types';
import type { CheckRuleId } from './checkRules';
import type { SymbolTable } from './SymbolTable';
import type { Resolved, Unresolved } from './Unresolved';

/** Where something is written: a file, the stack in it, the resource, and the line when known. */
export interface SourceLocation {
  readonly file: string;
  /** Stack name (CDK), nested-stack path, or undefined for a lone template or plan. */
  readonly stack?: string | undefined;
  /** Logical id (CloudFormation) or resource address (Terraform). */
  readonly resource: string;
  /** 1-based line and column of the resource in the file, when the file has positions. */
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  /** The construct path a CDK app gave the resource (`aws:cdk:path`). */
  readonly constructPath?: string | undefined;
}

/** How a fix refers to things: CloudFormation (and CDK) or Terraform. */
export type SourceKind = 'cloudformation' | 'cdk' | 'terraform';

/** A function, version or alias, as far as the template says. */
export interface FunctionRef {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
  /** Alias or version; null for the unqualified function. */
  readonly qualifier: string | null;
  /** The function's definition, when the input defines it; undefined for imported functions. */
  readonly definition: FunctionDefinition | undefined;
}

/** A function the input defines. */
export interface FunctionDefinition {
  readonly location: SourceLocation;
  /** How people call it: the logical id or address. */
  readonly label: string;
}

/** One statement an `AWS::Lambda::Permission` (or `aws_lambda_permission`) adds. */
export interface Grant {
  readonly location: SourceLocation;
  readonly target: FunctionRef | Unresolved;
  readonly action: string | Unresolved;
  readonly principal: string | Unresolved;
  readonly sourceArn?: string | Unresolved | undefined;
  readonly sourceAccount?: string | Unresolved | undefined;
  readonly principalOrgId?: string | Unresolved | undefined;
  readonly eventSourceToken?: string | Unresolved | undefined;
  readonly functionUrlAuthType?: string | Unresolved | undefined;
  readonly invokedViaFunctionUrl?: boolean | Unresolved | undefined;
  /** Why the grant may not exist (a condition that cannot be decided); undefined when it does. */
  readonly onlyIf?: string | undefined;
}

/** One request a caller makes, as the evaluator models it. */
export interface Call {
  /** What differs between the calls of one caller, e.g. `stage prod, GET /items`. */
  readonly label: string;
  readonly principal: RequestPrincipal;
  readonly action: 'lambda:InvokeFunction' | 'lambda:InvokeFunctionUrl';
  readonly context: Readonly<Record<string, ContextValue>>;
  /** The console's test invoke: reported separately, since live traffic is not affected. */
  readonly testInvoke?: boolean | undefined;
}

/** The grant a fix should add for a caller. */
export interface SuggestedGrant {
  readonly principal: string;
  readonly principalKind: 'service' | 'account' | 'arn' | 'any';
  readonly action: 'lambda:InvokeFunction' | 'lambda:InvokeFunctionUrl';
  readonly sourceArn: string | null;
  readonly sourceAccount: string | null;
  readonly functionUrlAuthType: string | null;
  /** Short label for statement ids, e.g. `apigateway`, `events`. */
  readonly label: string;
}

/** Something that invokes a function and needs a grant (or a role) to do so. */
export interface Caller {
  readonly rule: CheckRuleId;
  readonly location: SourceLocation;
  /** e.g. `REST API MyApi: GET /items` or `EventBridge rule Nightly`. */
  readonly description: string;
  readonly target: FunctionRef | Unresolved;
  readonly calls: readonly Call[];
  /** The role API Gateway assumes to invoke, when the integration or authorizer has one. */
  readonly credentials?: string | Unresolved | undefined;
  /** For `lambda:InvokeFunctionUrl`, fixes add the through-the-URL InvokeFunction statement too. */
  readonly suggested: SuggestedGrant;
  /** Why the caller may not exist (a condition that cannot be decided). */
  readonly onlyIf?: string | undefined;
}

/** An IAM role an integration or authorizer may use as its credentials. */
export interface RoleNode {
  readonly arn: string;
  readonly location: SourceLocation;
  readonly trustPolicy: Resolved | undefined;
  /** Inline and attached policy documents; `undefined` document = a managed policy not in the input. */
  readonly policies: readonly { readonly name: string; readonly document: Resolved | undefined }[];
  /** The boundary's document; null = none; undefined = set but not in the input. */
  readonly boundary: Resolved | null | undefined;
}

/** A deploy that replaces a function while a grant on it stays as it is. */
export interface Replacement {
  readonly function: FunctionDefinition;
  readonly grant: SourceLocation;
  readonly why: string;
}

/** Everything one input yields. */
export interface CheckGraph {
  readonly source: SourceKind;
  readonly symbols: SymbolTable;
  readonly grants: readonly Grant[];
  readonly callers: readonly Caller[];
  readonly roles: readonly RoleNode[];
  readonly replacements: readonly Replacement[];
  /** Things the reader saw but could not model, reported as cannot-tell notes. */
  readonly unreadable: readonly { readonly location: SourceLocation; readonly reason: string }[];
}
