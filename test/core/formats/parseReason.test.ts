import { parseReason } from '../../../lambda/core/formats/parseReason';
import type { Reason } from '../../../lambda/core/types';

// Clause wordings from the IAM user guide ("Troubleshooting access denied error messages", 1.14)
const CLAUSES: ReadonlyArray<readonly [string, Reason]> = [
  [
    'because no identity-based policy allows the lambda:InvokeFunction action',
    'no-identity-policy',
  ],
  [
    'because no resource-based policy allows the lambda:InvokeFunction action',
    'no-resource-policy',
  ],
  [
    'because no permissions boundary allows the lambda:InvokeFunction action',
    'no-permissions-boundary',
  ],
  ['because no session policy allows the lambda:InvokeFunction action', 'no-session-policy'],
  [
    'because no VPC endpoint policy allows the lambda:InvokeFunction action',
    'no-vpc-endpoint-policy',
  ],
  ['with an explicit deny in a service control policy', 'explicit-deny-scp'],
  ['with an explicit deny in a resource control policy', 'explicit-deny-rcp'],
  ['with an explicit deny in an identity-based policy', 'explicit-deny-identity-policy'],
  ['with an explicit deny in a resource-based policy', 'explicit-deny-resource-policy'],
  ['with an explicit deny in a permissions boundary', 'explicit-deny-permissions-boundary'],
  ['with an explicit deny in a session policy', 'explicit-deny-session-policy'],
  ['with an explicit deny in a sessions policy', 'explicit-deny-session-policy'],
  ['with an explicit deny in a VPC endpoint policy', 'explicit-deny-vpc-endpoint-policy'],
  [
    'with an explicit deny in a VPC endpoint policy transitively through a service control policy',
    'explicit-deny-vpc-endpoint-policy',
  ],
  ['with an explicit deny (Service: AWSLambda; Status Code: 403)', 'explicit-deny'],
  ['(Service: AWSLambda; Status Code: 403)', 'unspecified'],
  ['', 'unspecified'],
  ['because no resource-based policy ', 'no-resource-policy'],
  [
    'because no identity-based policy allows the lambda:InvokeFunction action on that resource',
    'no-identity-policy',
  ],
];

describe('parseReason', () => {
  test.each(CLAUSES)('%s -> %s', (clause, reason) => {
    expect(parseReason(clause).reason).toBe(reason);
  });

  test('the policy named after an explicit deny is kept, trailing text is not', () => {
    const parsed = parseReason(
      'with an explicit deny in a service control policy: arn:aws:organizations::123456789012:policy/o-a1b2c3d4e5/service_control_policy/p-a1b2c3d4 (Service: AWSLambda)',
    );
    expect(parsed).toMatchObject({
      reason: 'explicit-deny-scp',
      denyPolicyArn:
        'arn:aws:organizations::123456789012:policy/o-a1b2c3d4e5/service_control_policy/p-a1b2c3d4',
    });
  });
});
