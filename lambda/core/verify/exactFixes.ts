import { callerTrust, type GrantTrust, NO_EXTRA_TRUST } from '../fixes/callerTrust';
import { renderAddPermission } from '../fixes/renderAddPermission';
import { renderFixes } from '../fixes/renderFixes';
import { renderRemoveDenyStatement } from '../fixes/renderRemoveDenyStatement';
import { renderRemovePermission } from '../fixes/renderRemovePermission';
import { renderSetStageVariable } from '../fixes/renderSetStageVariable';
import { resolveFacts } from '../fixes/resolveFacts';
import type { DiagnosisFacts, Fix } from '../types';
import type { FixPlan } from './CheckOutcome';

/**
 * The fixes a verified diagnosis calls for, rendered by the same renderers as the log-based ones
 * (every value checked, every command shell-quoted) from the facts the live account confirmed:
 * the function an ERROR-level log did not name, the qualifier the integration calls, the route the
 * grant must cover. Each grant is as narrow as the failing request needs. A grant that replaces a
 * near-miss statement is followed by the optional `remove-permission` of that statement.
 */
export function exactFixes(
  facts: DiagnosisFacts,
  plan: FixPlan,
  logFixes: readonly Fix[],
  trust: GrantTrust = NO_EXTRA_TRUST,
): readonly Fix[] {
  switch (plan.kind) {
    case 'keep':
      return logFixes;
    case 'grant': {
      const fixes = renderFixes({ ...facts, reason: 'no-resource-policy' }, trust).filter(
        (f) => f.kind === 'add-permission',
      );
      if (plan.stale !== null && fixes.some((f) => f.command !== null)) {
        fixes.push(renderRemovePermission(resolveFacts(facts), plan.stale.sid));
      }
      return fixes.length > 0 ? fixes : logFixes;
    }
    case 'identity': {
      const principal =
        plan.role !== null && facts.kind !== 'invoke-access-denied'
          ? {
              arn: null,
              type: 'assumed-role' as const,
              accountId: facts.function.accountId,
              roleName: plan.role,
              service: null,
            }
          : facts.principal;
      return renderFixes(
        {
          ...facts,
          kind: 'invoke-access-denied',
          action: facts.action ?? 'lambda:InvokeFunction',
          principal,
          reason: 'no-identity-policy',
        },
        trust,
      ).filter((f) => f.kind === 'identity-policy');
    }
    case 'guardrail':
      return renderFixes({ ...facts, kind: 'invoke-access-denied', reason: plan.reason }, trust);
    case 'deny':
      if (plan.inline) return [renderRemoveDenyStatement(plan.inline)];
      return renderFixes(
        {
          ...facts,
          kind: 'invoke-access-denied',
          reason: plan.reason,
          denyPolicyArn: plan.policyArn ?? facts.denyPolicyArn,
        },
        trust,
      );
    case 'trust':
      return renderFixes(
        { ...facts, kind: 'apigw-cannot-assume-role', roleArn: plan.roleArn },
        trust,
      );
    case 'url': {
      const r = resolveFacts({ ...facts, reason: 'no-resource-policy' });
      const base = renderFixes({ ...facts, reason: 'no-resource-policy' }, trust).find(
        (f) => f.kind === 'add-permission',
      );
      // The caller is named by the log: a URL grant to it is runnable only for a trusted account.
      if (!base || r.principal.iamArn === null || callerTrust(facts, trust) !== 'trusted') {
        return logFixes;
      }
      return [
        renderAddPermission(r, {
          principal: r.principal.iamArn,
          principalKind: 'arn',
          label: 'caller',
          sourceArn: null,
          sourceAccount: null,
          why: "The function's resource-based policy has one of the two statements a function URL call needs.",
          notes: [],
          urlStatements: plan.missing,
          functionUrlAuthType: plan.authType === 'NONE' ? 'NONE' : 'AWS_IAM',
        }),
      ];
    }
    case 'stage-variable':
      return [renderSetStageVariable(plan)];
    case 'function-missing':
      return [
        {
          kind: 'locate-function',
          description: `The ${plan.what}: no grant can help until it exists again. Redeploy it (a replaced function starts with an empty resource-based policy, so grant API Gateway or the caller again afterwards), or point the integration or caller at the function that replaced it.`,
          command: null,
        },
      ];
  }
}
