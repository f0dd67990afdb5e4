/**
 * The `remove-explicit-deny` fix. An explicit deny wins over every allow, so it is never "fixed" with
 * a grant: we point at the policy that denies and give a read-only command to inspect it.
 */
import { AWS_FORMATS } from '../awsFormats';
import type { Fix, Reason } from '../types';
import { type Checked, shown, valid } from './checked';
import { commandLine, type Word } from './commandLine';
import type { ResolvedFacts } from './resolveFacts';

/** Where the deny lives, in words. */
const WHERE: Partial<Record<Reason, string>> = {
  'explicit-deny-scp':
    'a service control policy (SCP) of AWS Organizations applied to the caller’s account or OU',
  'explicit-deny-rcp':
    'a resource control policy (RCP) of AWS Organizations applied to the function’s account or OU',
  'explicit-deny-identity-policy':
    'an identity-based policy attached to the caller (or to one of its groups)',
  'explicit-deny-resource-policy': 'the function’s resource-based policy',
  'explicit-deny-permissions-boundary': 'the permissions boundary of the caller',
  'explicit-deny-session-policy':
    'the session policy passed when the caller’s session was created (AssumeRole / GetFederationToken `Policy` or `PolicyArns`)',
  'explicit-deny-vpc-endpoint-policy':
    'the policy of the VPC endpoint for Lambda the call went through',
  'explicit-deny':
    'a policy IAM did not name (legacy message): check, in order, SCPs/RCPs, the caller’s identity policies and permissions boundary, its session policy, the function’s resource-based policy and any VPC endpoint policy',
};

/** The principal's role or user as `get-role` / `get-user` style words, when known. */
function principalWords(r: ResolvedFacts): { noun: 'role' | 'user'; name: Checked } | null {
  if (r.principal.roleName) return { noun: 'role', name: r.principal.roleName };
  if (r.principal.userName) return { noun: 'user', name: r.principal.userName };
  return null;
}

function inspection(r: ResolvedFacts): { words: Word[] | null; what: string } {
  const arn = r.denyPolicyArn;
  const org = arn ? AWS_FORMATS.organizationsPolicyArn.exec(arn) : null;
  if (org) {
    return {
      words: ['aws', 'organizations', 'describe-policy', '--policy-id', valid(org[4]!)],
      what: `Policy ${org[4]} (${org[3] === 'resource_control_policy' ? 'RCP' : 'SCP'}) denies it. Run the command from the management account (or a delegated administrator) to read it, and \`aws organizations list-targets-for-policy --policy-id ${org[4]}\` to see where it is attached; change the Deny statement (e.g. exempt this principal or action) rather than adding an Allow elsewhere.`,
    };
  }
  const iamPolicy = arn ? AWS_FORMATS.iamPolicyArn.exec(arn) : null;
  if (iamPolicy) {
    return {
      words: ['aws', 'iam', 'get-policy', '--policy-arn', valid(arn!)],
      what: `Managed policy ${arn} denies it. The command shows its default version; read it with \`aws iam get-policy-version --policy-arn ${arn} --version-id <DEFAULT_VERSION_ID>\` and change or detach the Deny.`,
    };
  }
  const who = principalWords(r);
  switch (r.reason) {
    case 'explicit-deny-resource-policy': {
      const words: Word[] = [
        'aws',
        'lambda',
        'get-policy',
        '--region',
        r.fn.region,
        '--function-name',
        r.fn.arn,
      ];
      if (r.fn.qualifier) words.push('--qualifier', r.fn.qualifier);
      return {
        words,
        what: 'Look for a "Deny" statement in the function’s policy and remove it with `aws lambda remove-permission --statement-id <SID>` if it is not intended.',
      };
    }
    case 'explicit-deny-permissions-boundary':
      return who
        ? {
            words: [
              'aws',
              'iam',
              who.noun === 'role' ? 'get-role' : 'get-user',
              who.noun === 'role' ? '--role-name' : '--user-name',
              who.name,
              '--query',
              valid(who.noun === 'role' ? 'Role.PermissionsBoundary' : 'User.PermissionsBoundary'),
            ],
            what: `The command prints the boundary policy ARN of ${who.noun} ${shown(who.name)}; change its Deny for lambda:InvokeFunction or attach a different boundary.`,
          }
        : {
            words: null,
            what: 'The caller is not a role or user the log names, so its boundary cannot be looked up automatically.',
          };
    case 'explicit-deny-identity-policy':
      return who
        ? {
            words: [
              'aws',
              'iam',
              who.noun === 'role' ? 'list-attached-role-policies' : 'list-attached-user-policies',
              who.noun === 'role' ? '--role-name' : '--user-name',
              who.name,
            ],
            what: `The command lists the managed policies of ${who.noun} ${shown(who.name)}; also check its inline policies (\`list-${who.noun}-policies\`)${who.noun === 'user' ? ' and those of its groups' : ''}, find the Deny for lambda:InvokeFunction and remove or narrow it.`,
          }
        : {
            words: null,
            what: 'The caller is not a role or user the log names, so its policies cannot be listed automatically.',
          };
    case 'explicit-deny-scp':
    case 'explicit-deny-rcp': {
      const target = r.reason === 'explicit-deny-scp' ? r.principal.accountId : r.fn.accountId;
      const filter =
        r.reason === 'explicit-deny-scp' ? 'SERVICE_CONTROL_POLICY' : 'RESOURCE_CONTROL_POLICY';
      return {
        words: [
          'aws',
          'organizations',
          'list-policies-for-target',
          '--target-id',
          target,
          '--filter',
          valid(filter),
        ],
        what: `IAM did not name the policy. The command (run from the management account) lists the ${filter === 'SERVICE_CONTROL_POLICY' ? 'SCPs' : 'RCPs'} attached directly to the account; policies attached to its OUs and the root apply too.`,
      };
    }
    case 'explicit-deny-vpc-endpoint-policy':
      return {
        words: describeLambdaVpcEndpoints(r),
        what: 'The command lists the Lambda VPC endpoints of the region with their policies; remove or narrow the Deny, or allow lambda:InvokeFunction on this function.',
      };
    default:
      return { words: null, what: '' };
  }
}

/** `Name=service-name,Values=com.amazonaws.<region>.lambda`, from the checked region only. */
function vpceFilter(r: ResolvedFacts): Checked {
  return r.fn.region.ok
    ? valid(`Name=service-name,Values=com.amazonaws.${r.fn.region.value}.lambda`)
    : r.fn.region;
}

/** `aws ec2 describe-vpc-endpoints` for the region's Lambda endpoints (their policies decide). */
export function describeLambdaVpcEndpoints(r: ResolvedFacts): Word[] {
  return [
    'aws',
    'ec2',
    'describe-vpc-endpoints',
    '--region',
    r.fn.region,
    '--filters',
    vpceFilter(r),
  ];
}

/** Renders the remove-explicit-deny fix: always read-only, never a grant. */
export function renderExplicitDeny(r: ResolvedFacts): Fix {
  const where = WHERE[r.reason] ?? WHERE['explicit-deny']!;
  const { words, what } = inspection(r);
  const line = words ? commandLine(words) : null;
  const sentences = [
    `The call was refused by an explicit deny in ${where}. A deny overrides every allow, so adding permissions (add-permission or an identity policy) cannot fix it: the deny itself must change.`,
  ];
  if (what) sentences.push(what);
  if (line && line.command === null) {
    sentences.push(`No runnable command: ${line.problems.join('; ')}. Template: ${line.template}`);
  }
  return {
    kind: 'remove-explicit-deny',
    description: sentences.join(' '),
    command: line?.command ?? null,
  };
}
