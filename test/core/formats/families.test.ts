import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FILTER_TERMS } from '../../../lambda/core/constants';
import { decodeInput } from '../../../lambda/core/decode/decodeInput';
import { prefilter } from '../../../lambda/core/diagnose/prefilter';
import { FORMAT_FAMILIES, PATTERNS } from '../../../lambda/core/formats/families';
import { fixture } from '../../helpers/fixture';
import { EVENTS_DIR } from '../../helpers/paths';

/**
 * Which row of its family each real fixture exercises. A new fixture must be listed here under its
 * family's folder (test/events/<family>/), naming the row it is a real example of (null: a trace
 * that carries only the context lines of a request, which correlation reads).
 */
const FIXTURE_ROWS: Readonly<Record<string, Readonly<Record<string, string | null>>>> = {
  'iam-sentence': {
    'app-wrapper-prefix.log': 'iam-invoke-denied',
    'cli-iam-user-masked-account.log': 'iam-invoke-denied',
    'cli-iam-user.log': 'iam-invoke-denied',
    'cloudwatch-alarms-display-name.log': 'iam-invoke-denied',
    'cognito-identity-json-message.log': 'iam-invoke-denied',
    'cognito-internal-role.log': 'iam-invoke-denied',
    'explicit-deny-legacy-wrapped.log': 'iam-invoke-denied',
    'function-url-iam-user.json': 'iam-invoke-denied',
    'no-identity-policy.log': 'iam-invoke-denied',
    'nodejs10-error-record.json': 'iam-invoke-denied',
    'python-clienterror-10-digit-account.log': 'iam-invoke-denied',
    'python-clienterror-traceback.log': 'iam-invoke-denied',
    'python-handler-parenthesis.log': 'iam-invoke-denied',
    'ruby-placeholders.log': 'iam-invoke-denied',
    'sdk-v2-accountid-placeholder.log': 'iam-invoke-denied',
    'sns-service-escaped-json.log': 'iam-invoke-denied',
    'step-functions-cause.json': 'iam-invoke-denied',
    'trailing-text-after-action.log': 'iam-invoke-denied',
  },
  'rest-execution-log': {
    'cannot-assume-role-console.log': 'rest-cannot-assume-role',
    'console-test-invalid-permissions.log': 'rest-invalid-permissions',
    'console-test-source-arn-null.log': null,
    'error-level-only.log': 'rest-invalid-permissions',
    'invalid-permissions-info.log': 'rest-invalid-permissions',
    'knowledge-center-authorizer.log': 'rest-invalid-permissions',
    'knowledge-center-integration.log': 'rest-invalid-permissions',
    'no-prefix-serverless-express.log': 'rest-invalid-permissions',
    'rest-access-log-json.json': 'rest-invalid-permissions',
    'test-invoke-method-cli.json': 'rest-invalid-permissions',
    'test-invoke-method-truncated.json': 'rest-invalid-permissions',
  },
  'cognito-trigger': {
    'custommessage-terraform-comment.log': 'cognito-trigger-invoke-denied',
    'postconfirmation-lowercase.log': 'cognito-trigger-invoke-denied',
    'postconfirmation-unexpected-lambda-exception.log': 'cognito-trigger-invoke-denied',
    'preauthentication-error-response.log': 'cognito-trigger-invoke-denied',
    'presignup-issue-title.log': 'cognito-trigger-invoke-denied',
    'pretokengeneration-markdown.log': 'cognito-trigger-invoke-denied',
  },
  'http-api-access-log': {
    'authorizer-permissions-kc.log': 'http-authorizer-permissions',
    'integration-permissions-clf.log': 'http-integration-permissions',
    'integration-permissions-kc-curly.log': 'http-integration-permissions',
  },
};

const NEGATIVE = readdirSync(join(EVENTS_DIR, 'negative')).sort();

function messages(path: string): string[] {
  return decodeInput(fixture(path)).flatMap((batch) => batch.events.map((e) => e.message));
}

describe.each(FORMAT_FAMILIES)('format family $name', (family) => {
  const rows = FIXTURE_ROWS[family.name] ?? {};

  test.each(family.rows)(
    '$name: needle is a filter term, example matches marker and regex',
    (row) => {
      expect(FILTER_TERMS).toContain(row.needle);
      expect(row.marker).toContain(row.needle);
      expect(row.example).toContain(row.marker);
      expect(row.regex.test(row.example)).toBe(true);
      expect(prefilter(row.example)).toBe(true);
    },
  );

  test.each(family.rows)('$name: find names this row for its example', (row) => {
    expect(family.find(row.example).map((m) => m.pattern)).toEqual([row.name]);
  });

  test('every fixture in its folder is listed with the row it exercises', () => {
    const files = readdirSync(join(EVENTS_DIR, family.name)).sort();
    expect(files).toEqual(Object.keys(rows).sort());
  });

  test('every row has at least one real fixture', () => {
    for (const row of family.rows) expect(Object.values(rows)).toContain(row.name);
  });

  test.each(Object.entries(rows))('%s is a real example of %s', (file, row) => {
    const found = messages(`${family.name}/${file}`).flatMap((m) =>
      family.find(m).map((match) => match.pattern),
    );
    expect(new Set(found)).toEqual(new Set(row === null ? [] : [row]));
    if (row !== null) expect(found.length).toBeGreaterThan(0);
  });

  test.each(NEGATIVE)('negative/%s matches no row', (file) => {
    expect(messages(`negative/${file}`).flatMap((m) => family.find(m))).toEqual([]);
  });
});

test('row names are unique across families', () => {
  const names = PATTERNS.map((row) => row.name);
  expect(new Set(names).size).toBe(names.length);
});

test('the prefilter is exactly the subscription filter terms', () => {
  for (const term of FILTER_TERMS) expect(prefilter(`x ${term} y`)).toBe(true);
  expect(
    prefilter('REPORT RequestId: 6234bffe-149a-b642-81ff-2e8e376d8aff\tDuration: 46.84 ms'),
  ).toBe(false);
});
