import { analyzeBatches } from '../../lambda/core/diagnose/analyzeBatches';
import type { Diagnosis, LogBatch, LogEvent } from '../../lambda/core/types';
import { fixture } from './fixture';

/** Log group of the Lambda whose role may not invoke the next one (CDK workshop, test/events/iam-sentence/no-identity-policy.log). */
export const LAMBDA_LOG_GROUP =
  '/aws/lambda/CdkWorkshopStack-HelloHitCounterHitCounterHandlerD-GbRYSkrqPIYV';

/** The real denial line (test/events/iam-sentence/no-identity-policy.log), one per failed invocation. */
export const LAMBDA_DENIAL_LINE = fixture('iam-sentence/no-identity-policy.log').trim();

/**
 * A 56-digit CloudWatch-style event id, unique per (time, n): real ids are 56 decimal digits.
 */
export function eventId(timestamp: number, n: number): string {
  return `${timestamp}`.padStart(16, '0') + `${n}`.padStart(40, '0');
}

/** A subscription batch of `count` denial events at `timestamp` (+1 ms each), ids from `firstN`. */
export function lambdaDenialBatch(timestamp: number, count: number, firstN = 0): LogBatch {
  const events: LogEvent[] = Array.from({ length: count }, (_, i) => ({
    id: eventId(timestamp + i, firstN + i),
    timestamp: timestamp + i,
    message: LAMBDA_DENIAL_LINE,
  }));
  return {
    format: 'awslogs',
    owner: '458036673695',
    logGroup: LAMBDA_LOG_GROUP,
    logStream: '2024/05/14/[$LATEST]0f3c5e4e1b2a4c3d9e8f7a6b5c4d3e2f',
    policyLevel: null,
    events,
  };
}

/** The engine's diagnosis of {@link lambdaDenialBatch}: exactly one finding. */
export function lambdaDenial(timestamp: number, count: number, firstN = 0): Diagnosis {
  const { diagnoses } = analyzeBatches([lambdaDenialBatch(timestamp, count, firstN)]);
  if (diagnoses.length !== 1) throw new Error(`expected one diagnosis, got ${diagnoses.length}`);
  return diagnoses[0]!;
}
