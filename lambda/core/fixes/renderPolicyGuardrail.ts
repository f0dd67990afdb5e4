/**
 * Guidance for denials caused by a guardrail that has to allow the call as well as the identity
 * policy: a permissions boundary, a session policy or a VPC endpoint policy.
 */
import type { Fix } from '../types';
import { shown, valid } from './checked';
import { commandLine, type Word } from './commandLine';
import { describeLambdaVpcEndpoints } from './renderExplicitDeny';
import type { ResolvedFacts } from './resolveFacts';

/** Renders guidance for `no-permissions-boundary`, `no-session-policy` and `no-vpc-endpoint-policy`. */
export function renderPolicyGuardrail(r: ResolvedFacts): Fix {
  const action = r.action;
  const resource = `${shown(r.fn.arn)} (and ${shown(r.fn.arn)}:* for versions and aliases)`;
  const role = r.principal.roleName;
  const user = r.principal.userName;
  let words: Word[] | null = null;
  let text: string;
  if (r.reason === 'no-permissions-boundary') {
    text = `The caller's permissions boundary does not allow ${action}. A boundary only caps permissions: both the boundary and an identity policy must allow ${action} on ${resource}. Add the action to the boundary policy (or attach a boundary that allows it).`;
    if (role || user) {
      const noun = role ? 'role' : 'user';
      words = [
        'aws',
        'iam',
        role ? 'get-role' : 'get-user',
        role ? '--role-name' : '--user-name',
        (role ?? user)!,
        '--query',
        valid(role ? 'Role.PermissionsBoundary' : 'User.PermissionsBoundary'),
      ];
      text += ` The command prints the boundary policy ARN of ${noun} ${shown((role ?? user)!)}.`;
    }
  } else if (r.reason === 'no-session-policy') {
    text = `The session policy passed when the caller's session was created (the Policy / PolicyArns of AssumeRole, AssumeRoleWithWebIdentity or GetFederationToken) does not allow ${action}. Whoever creates the session${role ? ` for role ${shown(role)}` : ''} must include ${action} on ${resource} in that session policy; the role's own policies cannot widen it.`;
  } else {
    text = `The call went through a VPC endpoint for Lambda whose endpoint policy does not allow ${action} on ${resource} for this caller. Add an Allow statement for it to the endpoint policy (aws ec2 modify-vpc-endpoint --policy-document replaces the whole policy: edit the current one).`;
    words = [
      ...describeLambdaVpcEndpoints(r),
      '--query',
      valid('VpcEndpoints[].[VpcEndpointId,VpcId,PolicyDocument]'),
    ];
  }
  const line = words ? commandLine(words) : null;
  const sentences = [text];
  if (line && line.command === null)
    sentences.push(`No runnable command: ${line.problems.join('; ')}. Template: ${line.template}`);
  return {
    kind: 'identity-policy',
    description: sentences.join(' '),
    command: line?.command ?? null,
  };
}
