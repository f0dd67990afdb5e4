/** The `add-permission` fix: a statement on the function's resource-based policy, as CLI, CFN, TF and CDK. */
import type { Fix } from '../types';
import { type Checked, shown, valid } from './checked';
import { commandLine, type Word } from './commandLine';
import { deterministicId, statementIdFor } from './deterministicId';
import type { ResolvedFacts } from './resolveFacts';
import { snippetQuote } from './snippetQuote';

/** Who gets the permission and how it is scoped. */
export interface PermissionGrant {
  /** `apigateway.amazonaws.com`, an account id, or a role/user ARN. */
  readonly principal: Checked;
  /** How the principal is expressed in CDK; `any` is `*` (public function URLs). */
  readonly principalKind: 'service' | 'account' | 'arn' | 'any';
  /** Short label for the statement id (`apigateway`, `cross-account`). */
  readonly label: string;
  readonly sourceArn: Checked | null;
  readonly sourceAccount: Checked | null;
  /** Organization the statement is limited to (`--principal-org-id`), for callers trusted only by it. */
  readonly principalOrgId?: Checked | null;
  /** First sentence(s) of the description: why this grant fixes the finding. */
  readonly why: string;
  /** Extra sentences: narrower/broader alternatives and caveats. */
  readonly notes: readonly string[];
  /** For `lambda:InvokeFunctionUrl`: the URL's auth type; `AWS_IAM` unless told. */
  readonly functionUrlAuthType?: 'AWS_IAM' | 'NONE' | undefined;
  /**
   * Function URLs need two statements; `url` or `via-url` renders only that one (the other is in
   * place already, as verification found). Default `both`.
   */
  readonly urlStatements?: 'both' | 'url' | 'via-url' | undefined;
}

const CDK_PRINCIPAL = {
  service: 'ServicePrincipal',
  account: 'AccountPrincipal',
  arn: 'ArnPrincipal',
  any: 'AnyPrincipal',
} as const;

/** Renders one `add-permission` fix; the command is null when any required value failed its check. */
export function renderAddPermission(r: ResolvedFacts, grant: PermissionGrant): Fix {
  const { fn } = r;
  const only = r.action === 'lambda:InvokeFunctionUrl' ? (grant.urlStatements ?? 'both') : 'both';
  // Only the InvokeFunction statement limited to the URL: the URL statement is in place already.
  const viaUrlOnly = only === 'via-url';
  const action = viaUrlOnly ? 'lambda:InvokeFunction' : r.action;
  const statementId = statementIdFor(grant.label, [
    shown(fn.qualifiedArn),
    shown(grant.principal),
    grant.sourceArn ? shown(grant.sourceArn) : null,
    grant.sourceAccount ? shown(grant.sourceAccount) : null,
    action,
    ...(grant.principalOrgId ? [shown(grant.principalOrgId)] : []),
  ]);
  const words: Word[] = [
    'aws',
    'lambda',
    'add-permission',
    '--region',
    fn.region,
    '--function-name',
    fn.arn,
  ];
  if (fn.qualifier) words.push('--qualifier', fn.qualifier);
  words.push(
    '--statement-id',
    valid(statementId),
    '--action',
    valid(action),
    '--principal',
    grant.principal,
  );
  if (grant.sourceArn) words.push('--source-arn', grant.sourceArn);
  if (grant.sourceAccount) words.push('--source-account', grant.sourceAccount);
  if (grant.principalOrgId) words.push('--principal-org-id', grant.principalOrgId);
  const authType = grant.functionUrlAuthType ?? 'AWS_IAM';
  if (action === 'lambda:InvokeFunctionUrl')
    words.push('--function-url-auth-type', valid(authType));
  if (viaUrlOnly) words.push('--invoked-via-function-url');
  const line =
    only === 'both'
      ? viaFunctionUrl(commandLine(words), words, action, statementId)
      : commandLine(words);

  const target = `${shown(fn.name)}${fn.qualifier ? `:${shown(fn.qualifier)}` : ''}`;
  const scope = [
    grant.sourceArn ? ` from ${shown(grant.sourceArn)}` : '',
    grant.sourceAccount ? ` (source account ${shown(grant.sourceAccount)})` : '',
    grant.principalOrgId ? ` (only within organization ${shown(grant.principalOrgId)})` : '',
  ].join('');
  const sentences = [
    grant.why,
    `Adds statement ${statementId} to the resource-based policy of ${target}, allowing ${shown(grant.principal)} to call ${action}${scope}; re-running it is rejected as a duplicate rather than adding a second statement.`,
    ...grant.notes,
    ...(action === 'lambda:InvokeFunctionUrl' && only === 'both'
      ? [
          `Function URLs created since October 2025 also need lambda:InvokeFunction when invoked through the URL, so the command and the snippets add a second statement (${statementId}-via-url) limited to calls through the URL.`,
        ]
      : []),
    ...(only === 'url'
      ? [
          'The lambda:InvokeFunction statement limited to the URL is in place already; this adds only the lambda:InvokeFunctionUrl one.',
        ]
      : []),
    ...(viaUrlOnly
      ? [
          'The lambda:InvokeFunctionUrl statement is in place already; this adds only the lambda:InvokeFunction one, limited to calls made through the URL.',
        ]
      : []),
  ];
  if (line.command === null) {
    const problems = fn.known
      ? line.problems.join('; ')
      : 'the function is not named in the log (find it with the locate-function fix)';
    sentences.push(`No runnable command: ${problems}. Template once filled in: ${line.template}`);
  }
  const description = sentences.join(' ');
  if (line.command === null) return { kind: 'add-permission', description, command: null };

  const v = (c: Checked | null): string | null => (c?.ok ? c.value : null);
  const values = {
    functionArn: v(fn.arn)!,
    qualifiedArn: v(fn.qualifiedArn)!,
    qualifier: fn.qualifier ? v(fn.qualifier) : null,
    principal: v(grant.principal)!,
    sourceArn: v(grant.sourceArn),
    sourceAccount: v(grant.sourceAccount),
    principalOrgId: grant.principalOrgId ? v(grant.principalOrgId) : null,
  };
  const suffix = deterministicId([statementId], 8);
  return {
    kind: 'add-permission',
    description,
    command: line.command,
    // Function URLs need the URL statement and an InvokeFunction statement limited to the URL.
    ...renderPermissionSnippets({
      suffix,
      statementId,
      action,
      principalKind: grant.principalKind,
      functionUrlAuthType: authType,
      values,
      statements: only,
    }),
  };
}

/**
 * A value in a snippet: a literal (quoted per language) or an expression already written in each
 * language, such as `!Sub 'arn:${AWS::Partition}:...'` for a value a template leaves to deploy.
 */
export type SnippetValue =
  | string
  | { readonly yaml: string; readonly hcl: string; readonly ts: string };

/** The values of a permission's snippets. */
export interface PermissionValues {
  readonly functionArn: SnippetValue;
  readonly qualifiedArn: SnippetValue;
  readonly qualifier: SnippetValue | null;
  readonly principal: SnippetValue;
  readonly sourceArn: SnippetValue | null;
  readonly sourceAccount: SnippetValue | null;
  /** `aws:PrincipalOrgID` the statement requires, when the grant is limited to an organization. */
  readonly principalOrgId?: SnippetValue | null;
}

/** What {@link renderPermissionSnippets} renders. */
export interface PermissionSnippetInput {
  /** Suffix of the snippet resource names; derive it from the statement id. */
  readonly suffix: string;
  readonly statementId: string;
  readonly action: string;
  readonly principalKind: PermissionGrant['principalKind'];
  readonly functionUrlAuthType?: 'AWS_IAM' | 'NONE' | undefined;
  readonly values: PermissionValues;
  /** Extra import lines the CDK snippet's expressions need. */
  readonly cdkImports?: readonly string[] | undefined;
  /**
   * Function URLs: both statements (default), only the URL one, or only the InvokeFunction one
   * limited to the URL (`action` is then lambda:InvokeFunction).
   */
  readonly statements?: 'both' | 'url' | 'via-url' | undefined;
}

/** Quotes a literal, or takes an expression's form for the language. */
function render(value: SnippetValue, language: 'yaml' | 'hcl' | 'ts'): string {
  return typeof value === 'string' ? snippetQuote[language](value) : value[language];
}

/**
 * The statements of one grant as CloudFormation, Terraform and CDK (one statement, or two for a
 * function URL: the URL action and lambda:InvokeFunction limited to calls through the URL).
 */
export function renderPermissionSnippets(
  input: PermissionSnippetInput,
): Pick<Fix, 'cloudformation' | 'terraform' | 'cdk'> {
  const { suffix, statementId, action, principalKind, values: v } = input;
  const authType = input.functionUrlAuthType ?? 'AWS_IAM';
  const only = input.statements ?? 'both';
  const statements: Statement[] = [{ suffix, statementId, action, viaUrl: only === 'via-url' }];
  if (action === 'lambda:InvokeFunctionUrl' && only === 'both') {
    statements.push({
      suffix: `${suffix}ViaUrl`,
      statementId: `${statementId}-via-url`,
      action: 'lambda:InvokeFunction',
      viaUrl: true,
    });
  }
  return {
    cloudformation: statements.map((st) => cloudFormation(st, v, authType)).join(''),
    terraform: statements.map((st) => terraform(st, v, authType)).join('\n'),
    cdk: [
      "// import * as iam from 'aws-cdk-lib/aws-iam'; import * as lambda from 'aws-cdk-lib/aws-lambda';",
      ...(input.cdkImports ?? []),
      `const invokeDoctorFn${suffix} = lambda.Function.fromFunctionAttributes(this, 'InvokeDoctorFunction${suffix}', {`,
      `  functionArn: ${render(v.qualifiedArn, 'ts')},`,
      '  sameEnvironment: true,',
      '});',
      ...statements.map((st) =>
        cdkPermission(`invokeDoctorFn${suffix}`, st, principalKind, v, authType),
      ),
      '',
    ].join('\n'),
  };
}

/** One resource-policy statement of a grant. */
interface Statement {
  readonly suffix: string;
  readonly statementId: string;
  readonly action: string;
  /** The InvokeFunction statement limited to calls through the function URL. */
  readonly viaUrl: boolean;
}

function cloudFormation(st: Statement, v: PermissionValues, authType: string): string {
  const { suffix, action } = st;
  const q = (value: SnippetValue) => render(value, 'yaml');
  const lines = [
    `InvokeDoctorPermission${suffix}:`,
    '  Type: AWS::Lambda::Permission',
    '  Properties:',
    `    Action: ${q(action)}`,
    // CloudFormation has no Qualifier property: a qualified ARN scopes the permission instead.
    `    FunctionName: ${q(v.qualifiedArn)}`,
    `    Principal: ${q(v.principal)}`,
  ];
  if (v.sourceArn) lines.push(`    SourceArn: ${q(v.sourceArn)}`);
  if (v.sourceAccount) lines.push(`    SourceAccount: ${q(v.sourceAccount)}`);
  if (v.principalOrgId) lines.push(`    PrincipalOrgID: ${q(v.principalOrgId)}`);
  if (action === 'lambda:InvokeFunctionUrl') lines.push(`    FunctionUrlAuthType: ${authType}`);
  if (st.viaUrl) lines.push('    InvokedViaFunctionUrl: true');
  return `${lines.join('\n')}\n`;
}

function terraform(st: Statement, v: PermissionValues, authType: string): string {
  const { action, statementId } = st;
  const suffix = st.viaUrl ? `${st.suffix.replace(/ViaUrl$/, '')}_via_url` : st.suffix;
  const q = (value: SnippetValue) => render(value, 'hcl');
  const attrs: [string, string][] = [
    ['statement_id', q(statementId)],
    ['action', q(action)],
    ['function_name', q(v.functionArn)],
  ];
  if (v.qualifier) attrs.push(['qualifier', q(v.qualifier)]);
  attrs.push(['principal', q(v.principal)]);
  if (v.sourceArn) attrs.push(['source_arn', q(v.sourceArn)]);
  if (v.sourceAccount) attrs.push(['source_account', q(v.sourceAccount)]);
  if (v.principalOrgId) attrs.push(['principal_org_id', q(v.principalOrgId)]);
  if (action === 'lambda:InvokeFunctionUrl') attrs.push(['function_url_auth_type', q(authType)]);
  if (st.viaUrl) attrs.push(['invoked_via_function_url', 'true']);
  const width = Math.max(...attrs.map(([k]) => k.length));
  return [
    `resource "aws_lambda_permission" "invoke_doctor_${suffix}" {`,
    ...attrs.map(([k, val]) => `  ${k.padEnd(width)} = ${val}`),
    '}',
    '',
  ].join('\n');
}

function cdkPermission(
  fn: string,
  st: Statement,
  principalKind: PermissionGrant['principalKind'],
  v: PermissionValues,
  authType: string,
): string {
  const q = (value: SnippetValue) => render(value, 'ts');
  const principal = principalKind === 'any' ? '' : q(v.principal);
  const props = [
    `  principal: new iam.${CDK_PRINCIPAL[principalKind]}(${principal}),`,
    `  action: ${q(st.action)},`,
  ];
  if (v.sourceArn) props.push(`  sourceArn: ${q(v.sourceArn)},`);
  if (v.sourceAccount) props.push(`  sourceAccount: ${q(v.sourceAccount)},`);
  if (v.principalOrgId) props.push(`  organizationId: ${q(v.principalOrgId)},`);
  if (st.action === 'lambda:InvokeFunctionUrl') {
    props.push(`  functionUrlAuthType: lambda.FunctionUrlAuthType.${authType},`);
  }
  if (st.viaUrl) props.push('  invokedViaFunctionUrl: true,');
  return [`${fn}.addPermission('InvokeDoctorPermission${st.suffix}', {`, ...props, '});'].join(
    '\n',
  );
}

/**
 * For `lambda:InvokeFunctionUrl`, appends the second statement new function URLs need:
 * `lambda:InvokeFunction` restricted to calls made through the URL (`--invoked-via-function-url`).
 */
function viaFunctionUrl(
  first: ReturnType<typeof commandLine>,
  words: readonly Word[],
  action: string,
  statementId: string,
): ReturnType<typeof commandLine> {
  if (action !== 'lambda:InvokeFunctionUrl' || first.command === null) return first;
  const second: Word[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as Word;
    if (word === '--function-url-auth-type') {
      i++; // drop its value too: auth type applies to the URL action only
      continue;
    }
    const previous = words[i - 1];
    if (previous === '--statement-id') second.push(valid(`${statementId}-via-url`));
    else if (previous === '--action') second.push(valid('lambda:InvokeFunction'));
    else second.push(word);
  }
  second.push('--invoked-via-function-url');
  const line = commandLine(second);
  return line.command === null
    ? line
    : { ...first, command: `${first.command} && ${line.command}` };
}
