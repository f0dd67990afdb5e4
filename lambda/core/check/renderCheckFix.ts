/**
 * The fix for a check finding, from the same renderers as a diagnosis (lambda/core/fixes): the
 * `aws lambda add-permission` command when every value is known (a Terraform plan of existing
 * resources), otherwise its template with placeholders; and snippets in the input's own language
 * where values the template leaves to deploy stay references (`!Sub '...${MyApi}...'`,
 * `cdk.Fn.sub(...)`, `"${aws_api_gateway_rest_api.api.execution_arn}"`), so they paste as is.
 */
import { AWS_FORMATS, partitionOfRegion } from '../awsFormats';
import { type Checked, checked, invalid, valid } from '../fixes/checked';
import { deterministicId, statementIdFor } from '../fixes/deterministicId';
import {
  type PermissionGrant,
  renderAddPermission,
  renderPermissionSnippets,
  type SnippetValue,
} from '../fixes/renderAddPermission';
import type { ResolvedFacts } from '../fixes/resolveFacts';
import { snippetQuote } from '../fixes/snippetQuote';
import type { Fix } from '../types';
import type { CheckGraph, FunctionRef, SourceKind, SuggestedGrant } from './CheckGraph';
import { functionArn } from './grantStatement';
import type { SymbolTable } from './SymbolTable';

// Source ARNs from templates are shell-quoted like every value; this only keeps odd text out.
const SOURCE_ARN = /^arn:[a-z-]+:[a-z0-9-]+:[a-z0-9-]*:(?:[0-9]{12})?:[\w.:/*$@+=,{}-]{1,1024}$/;

/** A value for a command: itself when known and well-formed, a placeholder otherwise. */
function commandValue(
  symbols: SymbolTable,
  value: string,
  format: RegExp,
  placeholder: string,
  what: string,
): Checked {
  if (symbols.has(value)) {
    return invalid(
      placeholder,
      `${what} (${symbols.display(value)}) is known only after deploy: fill in ${placeholder}`,
    );
  }
  return format.test(value) ? valid(value) : invalid(placeholder, `${what} is not well-formed`);
}

/** The function as the diagnosis renderers expect it. */
function resolvedFunction(symbols: SymbolTable, target: FunctionRef): ResolvedFacts['fn'] {
  const region = commandValue(symbols, target.region, AWS_FORMATS.region, '<REGION>', 'the Region');
  const accountId = commandValue(
    symbols,
    target.account,
    AWS_FORMATS.accountId,
    '<FUNCTION_ACCOUNT_ID>',
    'the account id',
  );
  const partition = symbols.has(target.partition)
    ? region.ok
      ? valid(partitionOfRegion(region.value))
      : invalid('<PARTITION>', 'the partition is known only after deploy')
    : valid(target.partition);
  const name = commandValue(
    symbols,
    target.name,
    AWS_FORMATS.functionName,
    '<FUNCTION_NAME>',
    'the function name',
  );
  const qualifier =
    target.qualifier === null
      ? null
      : commandValue(
          symbols,
          target.qualifier,
          AWS_FORMATS.qualifier,
          '<VERSION_OR_ALIAS>',
          'the qualifier',
        );
  const unqualified = functionArn({ ...target, qualifier: null });
  return {
    known: true,
    partition,
    region,
    accountId,
    name,
    qualifier,
    arn: commandValue(
      symbols,
      unqualified,
      AWS_FORMATS.functionArn,
      '<FUNCTION_ARN>',
      'the function ARN',
    ),
    qualifiedArn: commandValue(
      symbols,
      functionArn(target),
      AWS_FORMATS.functionArn,
      '<FUNCTION_ARN>',
      'the function ARN',
    ),
  };
}

/** `!Sub` text: each symbol as its `${...}`, literal `${` kept literal. */
function subText(symbols: SymbolTable, text: string, imports: Map<string, unknown>): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(/\u27e6\d+\u27e7/g)) {
    out += text.slice(last, m.index).replaceAll('${', '${!');
    last = (m.index ?? 0) + m[0].length;
    const info = symbols.info(m[0]);
    const cfn = info?.cloudformation;
    if (cfn === undefined) out += '*';
    else if ('sub' in cfn) out += `\${${cfn.sub}}`;
    else {
      const name = `Import${imports.size}`;
      imports.set(name, cfn.value);
      out += `\${${name}}`;
    }
  }
  return out + text.slice(last).replaceAll('${', '${!');
}

/** A value as a snippet: a literal, or references in each language. */
function snippetValue(symbols: SymbolTable, text: string, source: SourceKind): SnippetValue {
  if (!symbols.has(text)) return text;
  if (source === 'terraform') {
    // Literal parts quoted as HCL (which escapes `${`), references interpolated.
    let hcl = '';
    let last = 0;
    for (const m of text.matchAll(/\u27e6\d+\u27e7/g)) {
      hcl += snippetQuote.hcl(text.slice(last, m.index)).slice(1, -1);
      last = (m.index ?? 0) + m[0].length;
      const ref = symbols.info(m[0])?.terraform;
      hcl += ref === undefined ? '*' : `\${${ref}}`;
    }
    hcl += snippetQuote.hcl(text.slice(last)).slice(1, -1);
    const shown = symbols.display(text);
    return { yaml: snippetQuote.yaml(shown), hcl: `"${hcl}"`, ts: snippetQuote.ts(shown) };
  }
  const imports = new Map<string, unknown>();
  const sub = subText(symbols, text, imports);
  if (imports.size === 0) {
    return {
      yaml: `!Sub ${snippetQuote.yaml(sub)}`,
      hcl: snippetQuote.hcl(symbols.display(text)),
      ts: `cdk.Fn.sub(${snippetQuote.ts(sub)})`,
    };
  }
  const entries = [...imports].map(([k, v]) => {
    const name = (v as { 'Fn::ImportValue': string })['Fn::ImportValue'];
    return { k, name };
  });
  return {
    yaml: `!Sub [${snippetQuote.yaml(sub)}, {${entries.map((e) => `${e.k}: !ImportValue ${snippetQuote.yaml(e.name)}`).join(', ')}}]`,
    hcl: snippetQuote.hcl(symbols.display(text)),
    ts: `cdk.Fn.sub(${snippetQuote.ts(sub)}, { ${entries.map((e) => `${e.k}: cdk.Fn.importValue(${snippetQuote.ts(e.name)})`).join(', ')} })`,
  };
}

/** What the fix explains, per caller kind. */
export interface CheckFixText {
  readonly why: string;
  readonly notes: readonly string[];
}

/** The add-permission fix for a caller that lacks its grant. */
export function renderCheckFix(
  graph: CheckGraph,
  target: FunctionRef,
  grant: SuggestedGrant,
  text: CheckFixText,
): Fix {
  const { symbols, source } = graph;
  const fn = resolvedFunction(symbols, target);
  const principal =
    grant.principal === '*'
      ? valid('*')
      : grant.principalKind === 'service'
        ? checked(
            grant.principal,
            'servicePrincipal',
            'the principal',
            '<PRINCIPAL>',
            'a service principal',
          )
        : commandValue(
            symbols,
            grant.principal,
            /^(?:[0-9]{12}|arn:[\w:/+=,.@-]+)$/,
            '<PRINCIPAL>',
            'the principal',
          );
  const permission: PermissionGrant = {
    principal,
    principalKind: grant.principalKind,
    label: grant.label,
    sourceArn:
      grant.sourceArn === null
        ? null
        : commandValue(symbols, grant.sourceArn, SOURCE_ARN, '<SOURCE_ARN>', 'the source ARN'),
    sourceAccount:
      grant.sourceAccount === null
        ? null
        : commandValue(
            symbols,
            grant.sourceAccount,
            AWS_FORMATS.accountId,
            '<SOURCE_ACCOUNT>',
            'the source account',
          ),
    why: text.why,
    notes: text.notes,
    functionUrlAuthType: grant.functionUrlAuthType === 'NONE' ? 'NONE' : 'AWS_IAM',
  };
  const fix = renderAddPermission(factsFor(fn, grant), permission);
  if (fix.command !== null) return source === 'terraform' ? onlyTerraform(fix) : fix;
  // Values left to deploy: the snippets keep them as references the template resolves itself.
  const statementId = statementIdFor(grant.label, [
    symbols.display(functionArn(target)),
    grant.principal,
    grant.sourceArn === null ? null : symbols.display(grant.sourceArn),
    grant.sourceAccount === null ? null : symbols.display(grant.sourceAccount),
    grant.action,
  ]);
  const value = (t: string) => snippetValue(symbols, t, source);
  const snippets = renderPermissionSnippets({
    suffix: deterministicId([statementId], 8),
    statementId,
    action: grant.action,
    principalKind: grant.principalKind,
    functionUrlAuthType: grant.functionUrlAuthType === 'NONE' ? 'NONE' : 'AWS_IAM',
    values: {
      functionArn: value(functionArn({ ...target, qualifier: null })),
      qualifiedArn: value(functionArn(target)),
      qualifier: target.qualifier === null ? null : value(target.qualifier),
      principal: value(grant.principal),
      sourceArn: grant.sourceArn === null ? null : value(grant.sourceArn),
      sourceAccount: grant.sourceAccount === null ? null : value(grant.sourceAccount),
    },
    cdkImports: ["// import * as cdk from 'aws-cdk-lib';"],
  });
  const base: Fix = { kind: 'add-permission', description: fix.description, command: null };
  return source === 'terraform'
    ? { ...base, terraform: snippets.terraform ?? '' }
    : { ...base, cloudformation: snippets.cloudformation ?? '', cdk: snippets.cdk ?? '' };
}

/** The facts renderAddPermission reads (the function and the action) for a template caller. */
function factsFor(fn: ResolvedFacts['fn'], grant: SuggestedGrant): ResolvedFacts {
  const service = grant.principalKind === 'service' ? valid(grant.principal) : null;
  return {
    kind:
      grant.principal === 'apigateway.amazonaws.com'
        ? 'apigw-invalid-permissions'
        : 'invoke-access-denied',
    reason: 'no-resource-policy',
    action: grant.action,
    fn,
    principal: {
      type: service ? 'service' : 'unknown',
      service,
      accountId: fn.accountId,
      roleName: null,
      userName: null,
      iamArn: null,
    },
    api: null,
    denyPolicyArn: null,
    roleArn: null,
    trigger: null,
  };
}

function onlyTerraform(fix: Fix): Fix {
  const { cloudformation: _c, cdk: _d, ...rest } = fix;
  return rest;
}
