/** The `identity-policy` fix: an inline policy on the caller's role or user granting the invoke. */
import type { Fix } from '../types';
import { type Checked, invalid, shown, valid } from './checked';
import { commandLine } from './commandLine';
import { deterministicId } from './deterministicId';
import type { ResolvedFacts } from './resolveFacts';
import { snippetQuote } from './snippetQuote';

/** The identity that gets the inline policy. */
export interface PolicyTarget {
  readonly kind: 'role' | 'user';
  /** Role or user name without its path (what put-role-policy / put-user-policy take). */
  readonly name: Checked;
  /** Lead sentence(s) of the description. */
  readonly why: string;
  readonly notes: readonly string[];
  /**
   * The name itself when `name` was withheld by the trust boundary (valid, but the caller is not
   * confirmed): the description shows the policy to review for it, never a command.
   */
  readonly reviewName?: string | null;
}

/** One Allow statement of the inline policy; the command and every snippet render the same list. */
interface GrantStatement {
  readonly sid: string;
  readonly action: string;
  /** Only for calls made through the function URL (`lambda:InvokedViaFunctionUrl`). */
  readonly viaUrl: boolean;
}

const VIA_URL_CONDITION = { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } } as const;

// Function URLs created since October 2025 also check lambda:InvokeFunction, limited here to
// calls made through the URL.
function grantStatements(action: string): GrantStatement[] {
  const grant = { sid: 'InvokeDoctorAllowInvoke', action, viaUrl: false };
  if (action !== 'lambda:InvokeFunctionUrl') return [grant];
  return [
    grant,
    { sid: 'InvokeDoctorAllowInvokeViaUrl', action: 'lambda:InvokeFunction', viaUrl: true },
  ];
}

/**
 * Renders `aws iam put-role-policy` / `put-user-policy` granting the denied action on the function
 * and on `<arn>:*` (every version and alias, which Lambda authorizes against the qualified ARN).
 */
export function renderIdentityPolicy(r: ResolvedFacts, target: PolicyTarget): Fix {
  const { fn, action } = r;
  const resources = fn.arn.ok ? [fn.arn.value, `${fn.arn.value}:*`] : null;
  const statements = grantStatements(action);
  const document: Checked = resources
    ? valid(
        JSON.stringify({
          Version: '2012-10-17',
          Statement: statements.map((st) => ({
            Sid: st.sid,
            Effect: 'Allow',
            Action: st.action,
            Resource: resources,
            ...(st.viaUrl ? { Condition: VIA_URL_CONDITION } : {}),
          })),
        }),
      )
    : invalid('<POLICY_JSON>', fn.arn.ok ? '' : fn.arn.problem);
  const hash = deterministicId([target.kind, shown(target.name), shown(fn.arn), action], 8);
  const policyName =
    fn.name.ok && fn.name.value.length <= 64
      ? `invoke-doctor-${fn.name.value}-${hash}`
      : `invoke-doctor-${hash}`;
  const line = commandLine([
    'aws',
    'iam',
    target.kind === 'role' ? 'put-role-policy' : 'put-user-policy',
    target.kind === 'role' ? '--role-name' : '--user-name',
    target.name,
    '--policy-name',
    valid(policyName),
    '--policy-document',
    document,
  ]);
  const sentences = [
    target.why,
    `Puts inline policy ${policyName} on ${target.kind} ${shown(target.name)} allowing ${action} on ${shown(fn.arn)} and ${shown(fn.arn)}:* (its versions and aliases); re-running it overwrites the same policy.`,
    ...target.notes,
  ];
  if (line.command === null) {
    sentences.push(
      `No runnable command: ${line.problems.join('; ')}. Template once filled in: ${line.template}`,
    );
    if (!target.name.ok && target.reviewName && document.ok) {
      sentences.push(
        `Policy to review for ${target.kind} ${target.reviewName} once the caller is confirmed: ${document.value}`,
      );
    }
  }
  const description = sentences.join(' ');
  if (line.command === null || !resources || !target.name.ok) {
    return { kind: 'identity-policy', description, command: null };
  }
  return {
    kind: 'identity-policy',
    description,
    command: line.command,
    cloudformation: cloudFormation(
      hash,
      target.kind,
      target.name.value,
      policyName,
      statements,
      resources,
    ),
    terraform: terraform(hash, target.kind, target.name.value, policyName, statements, resources),
    cdk: cdk(hash, target.kind, target.name.value, statements, resources),
  };
}

function cloudFormation(
  hash: string,
  kind: 'role' | 'user',
  name: string,
  policyName: string,
  statements: readonly GrantStatement[],
  resources: readonly string[],
): string {
  const q = snippetQuote.yaml;
  return [
    `InvokeDoctorPolicy${hash}:`,
    `  Type: AWS::IAM::${kind === 'role' ? 'RolePolicy' : 'UserPolicy'}`,
    '  Properties:',
    `    ${kind === 'role' ? 'RoleName' : 'UserName'}: ${q(name)}`,
    `    PolicyName: ${q(policyName)}`,
    '    PolicyDocument:',
    "      Version: '2012-10-17'",
    '      Statement:',
    ...statements.flatMap((st) => [
      '        - Effect: Allow',
      `          Action: ${q(st.action)}`,
      '          Resource:',
      ...resources.map((arn) => `            - ${q(arn)}`),
      ...(st.viaUrl
        ? [
            '          Condition:',
            '            Bool:',
            "              'lambda:InvokedViaFunctionUrl': 'true'",
          ]
        : []),
    ]),
    '',
  ].join('\n');
}

function terraform(
  hash: string,
  kind: 'role' | 'user',
  name: string,
  policyName: string,
  statements: readonly GrantStatement[],
  resources: readonly string[],
): string {
  const q = snippetQuote.hcl;
  // The layout is terraform fmt's own: attributes aligned per object, `}, {` between objects.
  const objects = statements.map((st) => {
    const pad = st.viaUrl ? ' ' : '';
    return [
      `      Effect   ${pad}= "Allow"`,
      `      Action   ${pad}= ${q(st.action)}`,
      `      Resource ${pad}= [${resources.map(q).join(', ')}]`,
      ...(st.viaUrl
        ? [`      Condition = { Bool = { ${q('lambda:InvokedViaFunctionUrl')} = ${q('true')} } }`]
        : []),
    ].join('\n');
  });
  return [
    `resource "aws_iam_${kind}_policy" "invoke_doctor_${hash}" {`,
    // terraform fmt aligns only runs of single-line attributes; `policy` spans lines.
    `  name = ${q(policyName)}`,
    `  ${kind} = ${q(name)}`,
    '  policy = jsonencode({',
    '    Version = "2012-10-17"',
    '    Statement = [{',
    objects.join('\n      }, {\n'),
    '    }]',
    '  })',
    '}',
    '',
  ].join('\n');
}

function cdk(
  hash: string,
  kind: 'role' | 'user',
  name: string,
  statements: readonly GrantStatement[],
  resources: readonly string[],
): string {
  const q = snippetQuote.ts;
  const importer =
    kind === 'role'
      ? `iam.Role.fromRoleName(this, 'InvokeDoctorRole${hash}', ${q(name)})`
      : `iam.User.fromUserName(this, 'InvokeDoctorUser${hash}', ${q(name)})`;
  return [
    "// import * as iam from 'aws-cdk-lib/aws-iam';",
    `const invokeDoctor${hash} = ${importer};`,
    ...statements.flatMap((st) => [
      `invokeDoctor${hash}.addToPrincipalPolicy(`,
      '  new iam.PolicyStatement({',
      `    actions: [${q(st.action)}],`,
      `    resources: [${resources.map(q).join(', ')}],`,
      ...(st.viaUrl
        ? [`    conditions: { Bool: { ${q('lambda:InvokedViaFunctionUrl')}: ${q('true')} } },`]
        : []),
      '  }),',
      ');',
    ]),
    '',
  ].join('\n');
}
