import { AWS_FORMATS } from '../awsFormats';
import { APIGATEWAY_PRINCIPAL } from './apiRequest';
import { type CheckOutcome, unverifiable, type VerifyContext } from './CheckOutcome';
import { evaluatePolicy } from './evaluatePolicy';
import { iamRegion } from './iamRegion';

/**
 * Verifies "API Gateway does not have permission to assume the provided role": reads the role and
 * judges `sts:AssumeRole` by apigateway.amazonaws.com against its trust policy.
 */
export async function checkTrust(roleArn: unknown, ctx: VerifyContext): Promise<CheckOutcome> {
  const m = typeof roleArn === 'string' ? AWS_FORMATS.roleArn.exec(roleArn) : null;
  if (!m) return unverifiable('The log does not name the role API Gateway tried to assume.');
  const [, partition, account, , name] = m as unknown as [string, string, string, string, string];
  if (account !== ctx.callerAccount) {
    return unverifiable(
      `Role ${roleArn} is in account ${account} and the credentials are for account ${ctx.callerAccount}: there are no credentials to read it.`,
    );
  }
  const trail = [
    { region: iamRegion(partition, ctx.defaultRegion ?? 'us-east-1'), resourceName: name },
  ];
  const role = await ctx.rec.call('iam:GetRole', { roleName: name });
  if (role === null) {
    return {
      status: 'confirmed',
      rootCause: 'trust-policy',
      statement: null,
      reason: `Role ${roleArn} does not exist: API Gateway cannot assume a deleted role.`,
      fix: { kind: 'trust', roleArn: roleArn as string },
      trail,
    };
  }
  const trust = evaluatePolicy(
    role.trustPolicy ?? '{}',
    {
      principal: { kind: 'service', service: APIGATEWAY_PRINCIPAL },
      action: 'sts:AssumeRole',
      resource: role.arn,
      context: {},
    },
    { policyType: 'resource' },
  );
  if (trust.decision === 'allow') {
    return {
      status: 'fixed',
      rootCause: 'unknown',
      statement: null,
      reason: `The trust policy of ${role.arn} lets ${APIGATEWAY_PRINCIPAL} assume it now.`,
      fix: { kind: 'keep' },
      trail,
    };
  }
  if (trust.decision === 'cannot-tell') {
    const why =
      trust.invalid ??
      trust.statements.find((s) => s.applies === 'unknown')?.finding?.message ??
      'a statement cannot be decided';
    return unverifiable(`The trust policy of ${role.arn} cannot be judged: ${why}.`);
  }
  const miss = trust.statements.find((s) => s.effect === 'Allow' && s.finding !== undefined);
  const deny = trust.statements.find((s) => s.effect === 'Deny' && s.applies === true);
  return {
    status: 'confirmed',
    rootCause: 'trust-policy',
    statement: deny
      ? {
          sid: deny.sid ?? null,
          policy: `trust policy of ${name}`,
          subject: 'Deny',
          expected: ['sts:AssumeRole'],
          actual: APIGATEWAY_PRINCIPAL,
        }
      : miss?.finding
        ? {
            sid: miss.sid ?? null,
            policy: `trust policy of ${name}`,
            subject: miss.finding.subject,
            expected: [...miss.finding.expected],
            actual: typeof miss.finding.actual === 'string' ? miss.finding.actual : null,
          }
        : null,
    reason: `The trust policy of ${role.arn} does not let ${APIGATEWAY_PRINCIPAL} call sts:AssumeRole${miss?.finding ? `: ${miss.finding.message}` : ''}.`,
    fix: { kind: 'trust', roleArn: role.arn },
    trail,
  };
}
