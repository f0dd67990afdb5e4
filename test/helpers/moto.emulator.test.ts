import { execFileSync } from 'node:child_process';
import { motoEndpoint } from './motoEndpoint';

test('the AWS CLI reaches the moto server started by global setup', () => {
  // Act
  const out = execFileSync('aws', ['sts', 'get-caller-identity', '--output', 'json'], {
    env: { ...process.env, AWS_ENDPOINT_URL: motoEndpoint() },
  }).toString();
  // Assert
  expect(JSON.parse(out).Account).toBe('123456789012');
});
