/**
 * The fixes verification adds: the optional remove-permission of a stale statement, the stage
 * variable template, the explicit deny removed from an inline policy, and a function URL's missing
 * statement alone. Values from the account are checked and shell-quoted like values from logs.
 */
import fc from 'fast-check';
import { renderRemoveDenyStatement } from '../../../lambda/core/fixes/renderRemoveDenyStatement';
import { renderRemovePermission } from '../../../lambda/core/fixes/renderRemovePermission';
import { renderSetStageVariable } from '../../../lambda/core/fixes/renderSetStageVariable';
import { resolveFacts } from '../../../lambda/core/fixes/resolveFacts';
import { exactFixes } from '../../../lambda/core/verify/exactFixes';
import { facts, fnRef, iamUser, route, service } from '../../helpers/facts';

const API_FACTS = facts({
  kind: 'apigw-invalid-permissions',
  principal: service('apigateway.amazonaws.com'),
  function: fnRef('orders', { qualifier: 'live' }),
  api: route('a1b2c3d4e5', 'GET', '/orders'),
  reason: 'no-resource-policy',
});

/** Splits a POSIX command line the way bash does for the quoting renderers use. */
function words(command: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (const m of command.matchAll(re))
    out.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!);
  return out;
}

describe('renderRemovePermission', () => {
  test('the stale statement of the alias, quoted', () => {
    const fix = renderRemovePermission(resolveFacts(API_FACTS), 'stale.grant-1');
    expect(fix).toMatchObject({ kind: 'remove-permission' });
    expect(fix.command).toBe(
      "aws lambda remove-permission --region 'us-east-1' --function-name 'arn:aws:lambda:us-east-1:123456789012:function:orders' --qualifier 'live' --statement-id 'stale.grant-1'",
    );
    expect(fix.description).toContain('remove it only if nothing else');
  });

  test('any statement id: a runnable command only for a valid id, one word whatever it is', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (sid) => {
        const fix = renderRemovePermission(resolveFacts(API_FACTS), sid);
        if (fix.command === null) return;
        expect(sid).toMatch(/^[A-Za-z0-9._-]{1,100}$/);
        expect(words(fix.command).at(-1)).toBe(sid);
      }),
    );
  });
});

describe('renderSetStageVariable', () => {
  test('REST: the update-stage patch, a template whose value is left to fill in', () => {
    const fix = renderSetStageVariable({
      api: 'rest',
      apiId: 'a1b2c3d4e5',
      stage: 'prod',
      region: 'us-east-1',
      names: ['alias'],
    });
    expect(fix.command).toBeNull();
    expect(fix.description).toContain(
      "Template: aws apigateway update-stage --region us-east-1 --rest-api-id a1b2c3d4e5 --stage-name prod --patch-operations 'op=replace,path=/variables/alias,value=<VALUE>'",
    );
  });

  test('a hostile variable name becomes a placeholder', () => {
    const fix = renderSetStageVariable({
      api: 'http',
      apiId: 'a1b2c3d4e5',
      stage: 'prod',
      region: 'us-east-1',
      names: ["x';rm -rf ~;'"],
    });
    expect(fix.description).not.toContain('rm -rf');
    expect(fix.description).toContain("--stage-variables '<VARIABLE>=<VALUE>'");
  });
});

describe('renderRemoveDenyStatement', () => {
  const remaining = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'ReadLogs', Effect: 'Allow', Action: 'logs:GetLogEvents', Resource: '*' }],
  });

  test('the policy put back without the denying statement', () => {
    const fix = renderRemoveDenyStatement({
      holder: 'role',
      name: 'app',
      policyName: 'guardrail',
      sids: ['NoInvoke'],
      remaining,
    });
    expect(words(fix.command!)).toEqual([
      'aws',
      'iam',
      'put-role-policy',
      '--role-name',
      'app',
      '--policy-name',
      'guardrail',
      '--policy-document',
      remaining,
    ]);
    expect(fix.description).toContain('often deliberate');
  });

  test('nothing left: the inline policy is deleted', () => {
    const fix = renderRemoveDenyStatement({
      holder: 'user',
      name: 'dev',
      policyName: 'deny-all',
      sids: [],
      remaining: null,
    });
    expect(fix.command).toBe(
      "aws iam delete-user-policy --user-name 'dev' --policy-name 'deny-all'",
    );
  });
});

describe('exactFixes', () => {
  test('a function URL with its URL statement in place: only the InvokeFunction one, via the URL', () => {
    // Arrange
    const urlFacts = facts({
      kind: 'invoke-access-denied',
      action: 'lambda:InvokeFunctionUrl',
      principal: iamUser('ocel-edge'),
      function: fnRef('image-optimizer'),
      reason: 'no-resource-policy',
    });

    // Act
    const [fix] = exactFixes(
      urlFacts,
      { kind: 'url', missing: 'via-url', authType: 'AWS_IAM' },
      [],
    );

    // Assert
    const w = words(fix!.command!);
    expect(w).toContain('--invoked-via-function-url');
    expect(w[w.indexOf('--action') + 1]).toBe('lambda:InvokeFunction');
    expect(w).not.toContain('--function-url-auth-type');
    expect(fix!.command).not.toContain('&&');
    expect(fix!.cloudformation).toContain('InvokedViaFunctionUrl: true');
  });

  test('verified fixes keep the trust boundary: no runnable grant to a caller of an untrusted account', () => {
    // Arrange: the log names a user of another account; the live account confirms the denial
    const foreign = facts({
      kind: 'invoke-access-denied',
      action: 'lambda:InvokeFunctionUrl',
      principal: iamUser('ocel-edge', '666666666666'),
      function: fnRef('image-optimizer'),
      reason: 'no-resource-policy',
    });
    const logFixes = [{ kind: 'add-permission' as const, description: 'to review', command: null }];
    const plan = { kind: 'url', missing: 'via-url', authType: 'AWS_IAM' } as const;

    // Act
    const untrusted = exactFixes(foreign, plan, logFixes);
    const grant = exactFixes(foreign, { kind: 'grant', stale: null }, logFixes);
    const trusted = exactFixes(foreign, plan, logFixes, {
      accounts: ['666666666666'],
      organizationId: null,
    });

    // Assert
    expect(untrusted).toBe(logFixes);
    expect(grant.every((f) => f.command === null)).toBe(true);
    expect(trusted[0]?.command).toContain("--principal 'arn:aws:iam::666666666666:user/ocel-edge'");
  });

  test('a stale near miss: the grant, then its optional removal', () => {
    const fixes = exactFixes(API_FACTS, { kind: 'grant', stale: { sid: 'beta-only' } }, []);
    expect(fixes.map((f) => f.kind)).toEqual(['add-permission', 'remove-permission']);
    expect(fixes[0]?.command).toContain("--qualifier 'live'");
    expect(fixes[0]?.command).toContain(
      "--source-arn 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/GET/orders'",
    );
  });

  test('keep: the log-based fixes as they were', () => {
    const logFixes = [{ kind: 'locate-function' as const, description: 'x', command: null }];
    expect(exactFixes(API_FACTS, { kind: 'keep' }, logFixes)).toBe(logFixes);
  });
});
