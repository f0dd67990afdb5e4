import { fingerprint } from '../../../lambda/core/diagnose/fingerprint';
import type { DiagnosisFacts } from '../../../lambda/core/types';

const FACTS: DiagnosisFacts = {
  kind: 'invoke-access-denied',
  action: 'lambda:InvokeFunction',
  principal: {
    arn: 'arn:aws:sts::123456789012:assumed-role/caller/session-1',
    type: 'assumed-role',
    accountId: '123456789012',
    roleName: 'caller',
    service: null,
  },
  function: {
    arn: 'arn:aws:lambda:us-east-1:123456789012:function:target',
    name: 'target',
    qualifier: null,
    accountId: '123456789012',
    region: 'us-east-1',
  },
  api: null,
  reason: 'no-identity-policy',
  denyPolicyArn: null,
  roleArn: null,
};

describe('fingerprint', () => {
  test('stable, and blind to session name and reason', () => {
    const other = structuredClone(FACTS);
    const changed = {
      ...other,
      reason: 'no-resource-policy' as const,
      principal: {
        ...other.principal,
        arn: 'arn:aws:sts::123456789012:assumed-role/caller/session-2',
      },
    };
    expect(fingerprint(FACTS)).toBe(fingerprint(structuredClone(FACTS)));
    expect(fingerprint(changed)).toBe(fingerprint(FACTS));
  });

  test('differs by qualifier, function, caller role and API route', () => {
    const base = fingerprint(FACTS);
    const variants: DiagnosisFacts[] = [
      { ...FACTS, function: { ...FACTS.function, qualifier: 'live' } },
      { ...FACTS, function: { ...FACTS.function, arn: `${FACTS.function.arn}2` } },
      {
        ...FACTS,
        principal: { ...FACTS.principal, arn: 'arn:aws:sts::123456789012:assumed-role/other/s' },
      },
      { ...FACTS, api: { id: 'abc123', stage: 'prod', httpMethod: 'GET', resourcePath: '/x' } },
    ];
    const prints = variants.map(fingerprint);
    expect(new Set([base, ...prints]).size).toBe(variants.length + 1);
  });
});
