import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchLogsLookup } from '../../lambda/adapters/CloudWatchLogsLookup';
import { ConfigError, InvokeDoctorError } from '../../lambda/core/errors';
import type { Diagnosis } from '../../lambda/core/types';
import { awsAdvice } from '../cli/awsAdvice';
import { ProgressLine } from '../render/ProgressLine';
import { type CloudWatchSearch, diagnoseCloudWatch } from './diagnoseCloudWatch';
import { RateGate } from './RateGate';

/** What `diagnose --from-cloudwatch` prints besides the diagnoses. */
export interface CloudWatchReport {
  readonly diagnoses: Diagnosis[];
  /** One line: what was searched and read. */
  readonly summary: string;
  /** Notes for stderr: the cap, the context budget. */
  readonly notes: readonly string[];
  /** The error to exit with after printing (a log group could not be searched), else null. */
  readonly error: InvokeDoctorError | null;
}

/** FilterLogEvents: 5 requests per second per account and Region, shared; the CLI takes at most 4. */
const CALL_INTERVAL_MS = 250;

const n = (value: number) => value.toLocaleString('en-US');
const plural = (value: number, word: string) => `${n(value)} ${word}${value === 1 ? '' : 's'}`;
const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** Credentials and Region problems end the run at once: every log group would fail the same way. */
function isFatal(error: unknown): boolean {
  const advice = awsAdvice(error, '');
  return (
    advice instanceof ConfigError ||
    (advice instanceof InvokeDoctorError && /credentials/.test(advice.message))
  );
}

/**
 * Runs the CloudWatch search with an SDK client that paces every call (RateGate) and retries
 * nothing itself: throttling is backed off by the search and the lookup, which know their budgets.
 * Shows a progress line on a terminal. AWS errors become one line of advice with the fix.
 */
export async function searchCloudWatch(
  search: CloudWatchSearch,
  clientConfig: { region?: string; profile?: string },
): Promise<CloudWatchReport> {
  const client = new CloudWatchLogsClient({ ...clientConfig, maxAttempts: 1 });
  const gate = new RateGate(CALL_INTERVAL_MS);
  client.middlewareStack.add(
    (next) => async (args) => {
      await gate.pass();
      return next(args);
    },
    { step: 'initialize', name: 'invokeDoctorRateGate' },
  );
  const lookup = new CloudWatchLogsLookup(client, {
    // a person waits for the answer: a longer budget than the Lambda's 4 s per lookup
    timeBudgetMs: 30_000,
    maxPages: 20,
    maxThrottleRetries: 8,
    backoffBaseMs: 250,
  });
  const progress = new ProgressLine();
  try {
    const outcome = await diagnoseCloudWatch(search, {
      client,
      lookup,
      isFatal,
      onProgress: (p) =>
        progress.update(
          `searching ${p.logGroup}: ${plural(p.pages, 'page')}, ${plural(p.failureLines, 'failure line')}, ${plural(p.lookups, 'context lookup')}${p.throttled ? ' (throttled: backing off)' : ''}`,
        ),
    });
    progress.done();
    const groups = search.logGroups.length;
    const summary = `Searched ${plural(groups, 'log group')} from ${minute(search.startTime)} to ${minute(search.endTime)} UTC: ${plural(outcome.failureLines, 'failure line')} in ${plural(outcome.pages, 'page')}, ${plural(outcome.lookups, 'context lookup')} for ${plural(outcome.lookedUp, 'failing request')}.`;
    const notes: string[] = [];
    if (outcome.cappedAt !== null) {
      notes.push(
        `stopped at ${n(search.maxEvents)} failure lines (--max-events), at ${minute(outcome.cappedAt)} UTC: the counts cover the window up to there only; narrow it with --since/--start/--end, or raise --max-events`,
      );
    }
    if (outcome.notLookedUp > 0) {
      notes.push(
        `${plural(outcome.notLookedUp, 'failing request')} past the context budget (100 per page, 1,000 per run) were not looked up: their function shows as unknown`,
      );
    }
    const errors = outcome.failures.map(({ logGroup, error }) => {
      const advice = awsAdvice(error, `log group ${logGroup}`, '', clientConfig.profile);
      return advice instanceof Error ? advice.message : String(advice);
    });
    return {
      diagnoses: outcome.diagnoses,
      summary,
      notes,
      error: errors.length > 0 ? new InvokeDoctorError(errors.join('; ')) : null,
    };
  } catch (error) {
    progress.done();
    throw awsAdvice(error, `log group ${search.logGroups[0] ?? ''}`, '', clientConfig.profile);
  } finally {
    client.destroy();
  }
}
