/**
 * Finding 3: service grants without a source. Callers sns.amazonaws.com, events.amazonaws.com,
 * iot.amazonaws.com and Cognito got `add-permission --principal '<service>'` with neither
 * `--source-arn` nor `--source-account`, so any other account's topic, rule or pool could then
 * invoke the function (the confused deputy). Every service grant now carries `--source-account`
 * (the function's account unless the log names the source), `--source-arn` when the log names the
 * source, and no command when neither is known.
 */
import { analyzeBatches } from '../../lambda/core/diagnose/analyzeBatches';
import { renderFixes } from '../../lambda/core/fixes/renderFixes';
import type { LogBatch } from '../../lambda/core/types';
import { ACCOUNT, facts, fnRef, service } from '../helpers/facts';
import { fixture } from '../helpers/fixture';

function engine(message: string) {
  const batch: LogBatch = {
    format: 'awslogs',
    owner: null,
    logGroup: null,
    logStream: null,
    policyLevel: null,
    events: [{ id: '1', timestamp: 0, message }],
  };
  return analyzeBatches([batch]).diagnoses;
}

describe('service callers get a grant limited to their source', () => {
  test.each([
    'sns.amazonaws.com',
    'events.amazonaws.com',
    'iot.amazonaws.com',
    'cognito-idp.amazonaws.com',
  ])('%s: --source-account is always there, and the fix says how to add --source-arn', (svc) => {
    // Act
    const [fix] = renderFixes(
      facts({ principal: service(svc), function: fnRef('f'), reason: 'no-resource-policy' }),
    );
    // Assert
    expect(fix?.command).toMatch(
      new RegExp(`--principal '${svc.replaceAll('.', '\\.')}' --source-account '${ACCOUNT}'$`),
    );
    expect(fix?.cloudformation).toContain(`SourceAccount: '${ACCOUNT}'`);
    expect(fix?.terraform).toContain(`source_account = "${ACCOUNT}"`);
    expect(fix?.cdk).toContain(`sourceAccount: '${ACCOUNT}'`);
    expect(fix?.description).toContain('--source-arn <');
  });

  test('Cognito through its internal role (a real line): the grant is for the service, limited to the account', () => {
    // Arrange: test/events/iam-sentence/cognito-internal-role.log
    const [d] = engine(fixture('iam-sentence/cognito-internal-role.log').trim());
    // Assert
    expect(d?.principal.service).toBe('cognito-idp.amazonaws.com');
    expect(d?.fixes[0]?.command).toContain("--principal 'cognito-idp.amazonaws.com'");
    expect(d?.fixes[0]?.command).toContain("--source-account '061240556736'");
  });

  test('a CloudWatch alarm named in the log is the --source-arn', () => {
    const alarm = `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:payments-errors`;
    const [fix] = renderFixes(
      facts({
        principal: { ...service('lambda.alarms.cloudwatch.amazonaws.com'), arn: alarm },
        function: fnRef('f'),
        reason: 'no-resource-policy',
      }),
    );
    expect(fix?.command).toContain(`--source-arn '${alarm}' --source-account '${ACCOUNT}'`);
  });

  test('SNS with a masked account (a real line): no command, and the fix says what to fill in', () => {
    // Arrange: test/events/iam-sentence/sns-service-escaped-json.log (account masked as xxxx)
    const [d] = engine(fixture('iam-sentence/sns-service-escaped-json.log').trim());
    // Assert
    expect(d?.principal.service).toBe('sns.amazonaws.com');
    expect(d?.fixes[0]?.command).toBeNull();
    expect(d?.fixes[0]?.description).toMatch(/account id is not in the log \(missing or masked\)/);
    expect(d?.fixes[0]?.description).toContain('<FUNCTION_ACCOUNT_ID>');
  });
});
