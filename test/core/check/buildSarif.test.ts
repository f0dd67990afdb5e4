/**
 * SARIF 2.1.0 output, validated against the OASIS schema (a verbatim copy, see
 * test/events/SOURCES.md) with Ajv's draft-04 class and formats: what GitHub code scanning reads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { readCheckSources } from '../../../bin/check/readCheckSources';
import { buildSarif } from '../../../lambda/core/check/buildSarif';
import { CHECK_RULE_IDS } from '../../../lambda/core/check/checkRules';
import { checkSources } from '../../../lambda/core/check/checkSources';
import { EVENTS_DIR } from '../../helpers/paths';

const schema = JSON.parse(
  readFileSync(join(EVENTS_DIR, 'check', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'),
) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

function sarifOf(files: readonly string[]) {
  const report = checkSources(readCheckSources(files.map((f) => join(EVENTS_DIR, 'check', f))));
  return {
    report,
    sarif: buildSarif(report, {
      toolVersion: '0.1.0',
      uri: (file) => `templates/${file.split('/').pop()}`,
    }),
  };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  kind: string;
  level: string;
  locations: {
    physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
  }[];
  properties?: { fix?: Record<string, string> };
}

const resultsOf = (sarif: Record<string, unknown>) =>
  (sarif.runs as { results: SarifResult[]; tool: { driver: { rules: { id: string }[] } } }[])[0]!;

test('the schema copy is the OASIS SARIF 2.1.0 schema', () => {
  expect(schema.title).toBe('Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema');
  expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
});

test('a log with failures, cannot-tell results and fixes validates against the schema', () => {
  // Arrange / Act
  const { report, sarif } = sarifOf([
    'sam/http_api_lambda_auth.yaml',
    'sam/api_with_path_parameters.yaml',
    'cloudformation/apigateway_lambda_integration.yaml',
  ]);

  // Assert
  expect(report.findings.map((f) => f.kind).sort()).toEqual(['cannot-tell', 'cannot-tell', 'fail']);
  const valid = validate(sarif);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
});

test('results carry the rule, SARIF kind and level, the template line and the fix snippets', () => {
  // Act
  const { sarif } = sarifOf(['sam/http_api_lambda_auth.yaml', 'sam/api_with_path_parameters.yaml']);
  const run = resultsOf(sarif);

  // Assert
  expect(run.tool.driver.rules.map((r) => r.id)).toEqual(CHECK_RULE_IDS);
  const failure = run.results.find((r) => r.kind === 'fail');
  expect(failure).toMatchObject({ ruleId: 'IDC002', ruleIndex: 1, level: 'error' });
  expect(failure?.locations[0]?.physicalLocation).toEqual({
    artifactLocation: { uri: 'templates/http_api_lambda_auth.yaml' },
    region: { startLine: 34, startColumn: 3 },
  });
  expect(failure?.properties?.fix?.cloudformation).toContain('AWS::Lambda::Permission');
  // SARIF: a result whose kind is not `fail` has level `none`.
  const open = run.results.find((r) => r.kind === 'open');
  expect(open).toMatchObject({ ruleId: 'IDC010', level: 'none' });
});

test('an empty report is a valid log with no results', () => {
  const { sarif } = sarifOf(['sam/explicit_http_api.yaml']);
  expect(validate(sarif)).toBe(true);
  expect(resultsOf(sarif).results).toEqual([]);
});

test('the validator is not vacuous: a log with another version fails it', () => {
  const { sarif } = sarifOf(['sam/explicit_http_api.yaml']);
  expect(validate({ ...sarif, version: '2.0.0' })).toBe(false);
});
