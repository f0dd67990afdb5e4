import { APIGW_EXECUTION_LOG_PREFIX } from '../../lambda/core/constants';
import { shellWord } from '../../lambda/core/render/alertContent';
import type { Diagnosis } from '../../lambda/core/types';

const REST_KINDS = new Set(['apigw-invalid-permissions', 'apigw-authorizer-invalid-permissions']);

/** The execution-log group a REST diagnosis came from, when the log or its API route says. */
function logGroupOf(d: Diagnosis): string | null {
  if (d.logGroup?.startsWith(APIGW_EXECUTION_LOG_PREFIX)) return d.logGroup;
  if (d.api?.id && d.api.stage) return `${APIGW_EXECUTION_LOG_PREFIX}${d.api.id}/${d.api.stage}`;
  return null;
}

/**
 * When API Gateway failures name no function, the input held only the failure lines (a filtered
 * export, or ERROR-level logs): the note says so and gives the command that reads the requests'
 * other lines from CloudWatch, with the log group filled in when it is known. Null otherwise.
 */
export function fromCloudWatchHint(diagnoses: readonly Diagnosis[]): string | null {
  const unnamed = diagnoses.filter(
    (d) => REST_KINDS.has(d.kind) && d.function.arn === null && d.function.name === null,
  );
  if (unnamed.length === 0) return null;
  const groups = [...new Set(unnamed.map(logGroupOf))];
  const known = groups.filter((g): g is string => g !== null);
  const flags =
    known.length > 0
      ? known.map((g) => `--log-group ${shellWord(g)}`).join(' ')
      : `--log-group 'API-Gateway-Execution-Logs_<API_ID>/<STAGE>'`;
  return [
    '',
    'Note: the API Gateway failures above name no function. The input holds only the failure lines',
    '(a filtered export, or execution logs at ERROR level); the function and route are in the',
    "request's other lines. Read them from CloudWatch Logs the way the deployed responder does:",
    `  npx invoke-doctor diagnose --from-cloudwatch ${flags} --since 1h`,
    '(add --profile NAME / --region REGION for another account or Region).',
    '',
  ].join('\n');
}
