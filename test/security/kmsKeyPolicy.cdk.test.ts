/**
 * Finding 9: the alert topic's KMS key let `cloudwatch.amazonaws.com` use it with no
 * `aws:SourceAccount` condition: any account's alarm could encrypt with it (the confused deputy).
 * The key statement for CloudWatch is now limited to this account and its alarms.
 */
import { synthesize } from '../helpers/synth';

interface Statement {
  readonly Principal?: { readonly Service?: string };
  readonly Condition?: Record<string, Record<string, unknown>>;
}

describe('the alert key policy', () => {
  test('every statement for a service principal names the source account', () => {
    // Arrange
    const { template } = synthesize({ functions: ['orders-api'] });
    const keys = Object.values(template.findResources('AWS::KMS::Key'));
    // Act
    const serviceStatements = keys.flatMap((key) =>
      (key.Properties.KeyPolicy.Statement as Statement[]).filter((st) => st.Principal?.Service),
    );
    // Assert
    expect(serviceStatements.map((st) => st.Principal?.Service)).toEqual([
      'cloudwatch.amazonaws.com',
    ]);
    for (const st of serviceStatements) {
      expect(st.Condition?.StringEquals?.['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
      expect(JSON.stringify(st.Condition?.ArnLike?.['aws:SourceArn'])).toContain(':alarm:*');
    }
  });
});
