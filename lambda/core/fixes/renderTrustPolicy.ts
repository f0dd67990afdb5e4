/**
 * The `trust-policy` fix for "API Gateway does not have permission to assume the provided role": the
 * role's trust policy must let apigateway.amazonaws.com assume it. Never an add-permission.
 */
import { parseIamArn } from '../awsFormats';
import type { Fix } from '../types';
import { checked, shown, valid } from './checked';
import { commandLine } from './commandLine';
import type { ResolvedFacts } from './resolveFacts';

const STATEMENT = {
  Effect: 'Allow',
  Principal: { Service: 'apigateway.amazonaws.com' },
  Action: 'sts:AssumeRole',
} as const;

/** The last path segment after `:role/`, found with indexOf (linear whatever the log holds). */
function roleNameOf(roleArn: unknown): string | null {
  if (typeof roleArn !== 'string' || !roleArn.includes(':role/')) return null;
  const name = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  return name === '' ? null : name;
}

/** Renders the trust-policy guidance with a read-only command that prints the current trust policy. */
export function renderTrustPolicy(r: ResolvedFacts): Fix {
  const arn = checked(
    r.roleArn,
    'roleArn',
    'the role API Gateway tried to assume',
    '<ROLE_ARN>',
    'an IAM role ARN',
  );
  // get-role takes the name without its path, and works even when the log masked the account id.
  const lenientName = parseIamArn('role', r.roleArn)?.name ?? roleNameOf(r.roleArn);
  const name = checked(lenientName, 'iamName', 'the role name', '<ROLE_NAME>', 'an IAM role name');
  const line = commandLine([
    'aws',
    'iam',
    'get-role',
    '--role-name',
    name,
    '--query',
    valid('Role.AssumeRolePolicyDocument'),
  ]);
  const statement = JSON.stringify(STATEMENT);
  const sentences = [
    `API Gateway could not assume role ${shown(arn)}, the credentials role of the integration or authorizer: its trust policy does not name apigateway.amazonaws.com.`,
    `The command prints the current trust policy; add the statement ${statement} to its Statement list (optionally with a Condition on aws:SourceAccount / aws:SourceArn for the API), then apply the merged document with \`aws iam update-assume-role-policy --role-name ${shown(name)} --policy-document file://trust.json\` — that call REPLACES the whole trust policy, so never send the statement alone.`,
    'The same role also needs lambda:InvokeFunction on the function (an identity policy); a resource-based policy (add-permission) does not help here.',
  ];
  if (line.command === null) {
    sentences.push(`No runnable command: ${line.problems.join('; ')}. Template: ${line.template}`);
  }
  const description = sentences.join(' ');
  if (line.command === null) return { kind: 'trust-policy', description, command: null };
  return {
    kind: 'trust-policy',
    description,
    command: line.command,
    cloudformation: [
      '# In the AWS::IAM::Role that defines this role:',
      'AssumeRolePolicyDocument:',
      "  Version: '2012-10-17'",
      '  Statement:',
      '    - Effect: Allow',
      '      Principal:',
      '        Service: apigateway.amazonaws.com',
      "      Action: 'sts:AssumeRole'",
      '',
    ].join('\n'),
    terraform: [
      "# In the aws_iam_policy_document used as this role's assume_role_policy:",
      'statement {',
      '  effect  = "Allow"',
      '  actions = ["sts:AssumeRole"]',
      '  principals {',
      '    type        = "Service"',
      '    identifiers = ["apigateway.amazonaws.com"]',
      '  }',
      '}',
      '',
    ].join('\n'),
    cdk: [
      '// On the iam.Role construct that defines this role:',
      'role.assumeRolePolicy?.addStatements(',
      '  new iam.PolicyStatement({',
      "    principals: [new iam.ServicePrincipal('apigateway.amazonaws.com')],",
      "    actions: ['sts:AssumeRole'],",
      '  }),',
      ');',
      '',
    ].join('\n'),
  };
}
