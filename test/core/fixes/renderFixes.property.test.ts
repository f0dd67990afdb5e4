/**
 * Property tests: whatever strings the facts hold (fuzzed, masked, hostile), renderFixes never throws,
 * and every runnable command is made only of our literals and single-quoted, format-checked values.
 */
import fc from 'fast-check';
import { AWS_FORMATS } from '../../../lambda/core/awsFormats';
import { renderFixes } from '../../../lambda/core/fixes/renderFixes';
import {
  DIAGNOSIS_KINDS,
  type DiagnosisFacts,
  PRINCIPAL_TYPES,
  REASONS,
} from '../../../lambda/core/types';

/** Splits a command as POSIX sh would, for commands made of bare words and '...' quoting only. */
function shellWords(command: string): { word: string; quoted: boolean; bare: string }[] {
  const words: { word: string; quoted: boolean; bare: string }[] = [];
  let word = '';
  let bare = '';
  let quoted = false;
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in ${command}`);
      word += command.slice(i + 1, end);
      quoted = true;
      inWord = true;
      i = end;
    } else if (c === '\\') {
      // only as part of '\'' (an escaped single quote between quoted runs)
      if (command[i + 1] !== "'") throw new Error(`stray backslash in ${command}`);
      word += "'";
      quoted = true;
      inWord = true;
      i++;
    } else if (c === ' ') {
      if (inWord) words.push({ word, quoted, bare });
      word = '';
      bare = '';
      quoted = false;
      inWord = false;
    } else {
      word += c;
      bare += c;
      inWord = true;
    }
  }
  if (inWord) words.push({ word, quoted, bare });
  return words;
}

const QUERY_CONSTANTS = new Set([
  'Role.AssumeRolePolicyDocument',
  'Role.PermissionsBoundary',
  'User.PermissionsBoundary',
  'Items[].[ApiId,Name,ProtocolType]',
  'items[].[id,name]',
  'UserPools[].[Id,Name]',
  'Items[].[IntegrationId,IntegrationUri,CredentialsArn]',
  'Items[].[AuthorizerId,Name,AuthorizerUri,AuthorizerCredentialsArn]',
  'items[].{id:id,name:name,uri:authorizerUri,credentials:authorizerCredentials}',
  'items[].{id:id,path:path,integrations:values(resourceMethods || `{}`)[].methodIntegration.uri}',
  'VpcEndpoints[].[VpcEndpointId,VpcId,PolicyDocument]',
  'SERVICE_CONTROL_POLICY',
  'RESOURCE_CONTROL_POLICY',
  'AWS_IAM',
  'lambda:InvokeFunction',
  'lambda:InvokeFunctionUrl',
]);

/** True when a quoted value is one of our constants or passes a strict format. */
function isCheckedValue(v: string): boolean {
  if (QUERY_CONSTANTS.has(v)) return true;
  if (Object.values(AWS_FORMATS).some((re) => re.test(v))) return true;
  const pathQuery =
    /^items\[\?path==`"(.*)"`\]\.\{id:id,path:path,integrations:values\(resourceMethods \|\| `\{\}`\)\[\]\.methodIntegration\.uri\}$/.exec(
      v,
    );
  if (pathQuery) return AWS_FORMATS.resourcePath.test(pathQuery[1]!);
  const vpce = /^Name=service-name,Values=com\.amazonaws\.(.*)\.lambda$/.exec(v);
  if (vpce) return AWS_FORMATS.region.test(vpce[1]!);
  if (v.startsWith('{')) {
    const doc = JSON.parse(v) as { Statement: { Action: string; Resource: string[] }[] };
    return doc.Statement.every(
      (s) =>
        QUERY_CONSTANTS.has(s.Action) &&
        s.Resource.every((r) => AWS_FORMATS.functionArn.test(r.replace(/:\*$/, ''))),
    );
  }
  return false;
}

const HOSTILE = [
  'fn$(touch /tmp/x)',
  '`touch /tmp/x`',
  "a'b",
  'a"b',
  'a\nb',
  '; rm -rf /',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal hostile value, not a template
  '${IFS}',
  '************',
  '95**********',
  'xxxx',
  '<ACCOUNT_ID>',
  '1234567890',
  '99999999999',
];
const GOOD = [
  '123456789012',
  '210987654321',
  'us-east-1',
  'eu-west-2',
  'my-fn',
  'live',
  '1',
  '$LATEST',
  'abcdefghij',
  'GET',
  'ANY',
  '/echo',
  '/{proxy+}',
  '$default',
  'prod',
  'sns.amazonaws.com',
  's3.amazonaws.com',
  'arn:aws:lambda:us-east-1:123456789012:function:my-fn',
  'arn:aws:lambda:us-east-1:123456789012:function:my-fn:live',
  'arn:aws:sts::123456789012:assumed-role/role-a/session',
  'arn:aws:iam::210987654321:role/path/role-b',
  'arn:aws:iam::123456789012:user/support/u',
  'arn:aws:organizations::111122223333:policy/o-abcdefghij/service_control_policy/p-abcd1234',
];

const text = fc.oneof(
  fc.constantFrom(...GOOD),
  fc.constantFrom(...HOSTILE),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const maybe = fc.option(text, { nil: null });
const oneOfOr = (values: readonly string[]) => fc.oneof(fc.constantFrom(...values), fc.string());

const factsArb: fc.Arbitrary<DiagnosisFacts> = fc.record({
  kind: oneOfOr(DIAGNOSIS_KINDS),
  action: fc.oneof(
    fc.constantFrom('lambda:InvokeFunction', 'lambda:InvokeFunctionUrl', null),
    text,
  ),
  principal: fc.record({
    arn: maybe,
    type: oneOfOr(PRINCIPAL_TYPES),
    accountId: maybe,
    roleName: maybe,
    service: maybe,
  }),
  function: fc.record({
    arn: maybe,
    name: maybe,
    qualifier: maybe,
    accountId: maybe,
    region: maybe,
  }),
  api: fc.option(
    fc.record({
      id: maybe,
      stage: maybe,
      httpMethod: maybe,
      resourcePath: maybe,
      authorizerId: maybe,
    }),
    { nil: null },
  ),
  reason: oneOfOr(REASONS),
  denyPolicyArn: maybe,
  roleArn: maybe,
}) as fc.Arbitrary<DiagnosisFacts>;

const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const principalArb = fc.oneof(
  fc.record({
    arn: pick(
      'arn:aws:sts::123456789012:assumed-role/role-a/s',
      'arn:aws:sts::210987654321:assumed-role/role-b/s',
    ),
    type: pick('assumed-role' as const),
    accountId: pick('123456789012', '210987654321'),
    roleName: pick('role-a', 'role-b'),
    service: pick(null),
  }),
  fc.record({
    arn: pick('arn:aws:iam::123456789012:user/support/u', 'arn:aws:iam::210987654321:role/team/r'),
    type: pick('iam-user' as const, 'iam-role' as const),
    accountId: pick('123456789012', '210987654321'),
    roleName: pick(null),
    service: pick(null),
  }),
  fc.record({
    arn: pick(null),
    type: pick('service' as const),
    accountId: pick(null),
    roleName: pick(null),
    service: pick('sns.amazonaws.com', 's3.amazonaws.com', 'events.amazonaws.com'),
  }),
);

/** Plausible facts (every value valid) with up to three fields replaced by fuzzed/hostile text. */
const mostlyValidArb: fc.Arbitrary<DiagnosisFacts> = fc
  .tuple(
    fc.record({
      kind: fc.constantFrom(...DIAGNOSIS_KINDS),
      action: pick('lambda:InvokeFunction' as const, 'lambda:InvokeFunctionUrl' as const),
      principal: principalArb,
      function: fc.record({
        arn: pick(null),
        name: pick('my-fn', 'worker_2'),
        qualifier: pick(null, '1', 'live', '$LATEST'),
        accountId: pick('123456789012'),
        region: pick('us-east-1', 'eu-west-2', 'cn-north-1'),
      }),
      api: fc.option(
        fc.record({
          id: pick('abcdefghij'),
          stage: pick(null, 'prod', 'null'),
          httpMethod: pick(null, 'GET', 'ANY'),
          resourcePath: pick(null, '/', '/echo', '/{proxy+}', '$default'),
        }),
        { nil: null },
      ),
      reason: fc.constantFrom(...REASONS),
      denyPolicyArn: pick(
        null,
        'arn:aws:organizations::111122223333:policy/o-abcdefghij/service_control_policy/p-abcd1234',
      ),
      roleArn: pick(null, 'arn:aws:iam::123456789012:role/service-role/apigw'),
    }),
    fc.array(
      fc.tuple(
        fc.constantFrom(
          'principal.arn',
          'principal.accountId',
          'principal.roleName',
          'principal.service',
          'function.name',
          'function.qualifier',
          'function.accountId',
          'function.region',
          'api.id',
          'api.stage',
          'api.httpMethod',
          'api.resourcePath',
          'denyPolicyArn',
          'roleArn',
        ),
        fc.oneof(fc.constantFrom(...HOSTILE), fc.string()),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([base, mutations]) => {
    const f = structuredClone(base) as unknown as Record<string, Record<string, unknown> | unknown>;
    for (const [path, value] of mutations) {
      const [head, tail] = path.split('.') as [string, string | undefined];
      if (tail === undefined) f[head] = value;
      else if (f[head] && typeof f[head] === 'object')
        (f[head] as Record<string, unknown>)[tail] = value;
    }
    return f as unknown as DiagnosisFacts;
  });

/** Every string inside the facts, to check hostile ones never appear in a command. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

describe('renderFixes properties', () => {
  test('commands hold only literals and checked, single-quoted values; snippets only with a command', () => {
    let runnable = 0;
    fc.assert(
      fc.property(fc.oneof(factsArb, mostlyValidArb), (f) => {
        const fixes = renderFixes(f);
        for (const fix of fixes) {
          if (fix.command === null) {
            expect(fix.cloudformation ?? fix.terraform ?? fix.cdk).toBeUndefined();
            continue;
          }
          expect(fix.command).not.toMatch(/[\n\r\0]/);
          for (const { word, quoted, bare } of shellWords(fix.command)) {
            // unquoted text is only ever our literal words and flags (and `&&` between the two
            // statements a function URL needs)
            expect(bare).toMatch(/^(?:[a-z0-9][a-z0-9-]*|--[a-z0-9-]+|&&)?$/);
            if (quoted) expect(isCheckedValue(word)).toBe(true);
          }
          runnable++;
        }
      }),
      { numRuns: 2000 },
    );
    // the generator must actually reach runnable commands, or the property proves nothing
    expect(runnable).toBeGreaterThan(300);
  });

  test('hostile strings anywhere in the facts never appear in a command', () => {
    fc.assert(
      fc.property(fc.oneof(factsArb, mostlyValidArb), (f) => {
        const hostile = stringsOf(f).filter(
          (s) => /[^A-Za-z0-9._:/*{}+$@=,-]/.test(s) && s.length > 2,
        );
        for (const fix of renderFixes(f)) {
          for (const h of hostile) expect(fix.command ?? '').not.toContain(h);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('statement ids always match ^[A-Za-z0-9_-]{1,100}$', () => {
    fc.assert(
      fc.property(fc.oneof(factsArb, mostlyValidArb), (f) => {
        for (const fix of renderFixes(f)) {
          if (fix.kind !== 'add-permission') continue;
          const ids = [
            /--statement-id '([^']*)'/.exec(fix.command ?? fix.description)?.[1],
            /Adds statement (\S+) to/.exec(fix.description)?.[1],
          ];
          for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,100}$/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('explicit denies never yield a grant', () => {
    const denied = fc.oneof(factsArb, mostlyValidArb).map((f) => ({
      ...f,
      reason: 'explicit-deny-identity-policy' as const,
    }));
    fc.assert(
      fc.property(denied, (f) => {
        for (const fix of renderFixes(f)) {
          if (f.kind === 'apigw-cannot-assume-role' || f.kind.startsWith('http-api-')) continue;
          expect(fix.kind).toBe('remove-explicit-deny');
        }
      }),
      { numRuns: 500 },
    );
  });
});
