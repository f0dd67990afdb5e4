/**
 * The Region whose CloudTrail event history holds IAM's management events: IAM is global and
 * records in us-east-1 (the partition's first Region elsewhere).
 */
export function iamRegion(partition: string, fallback: string): string {
  if (partition === 'aws') return 'us-east-1';
  if (partition === 'aws-cn') return 'cn-north-1';
  if (partition === 'aws-us-gov') return 'us-gov-west-1';
  return fallback;
}
