import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynalite } from '../bin/replay/startDynalite';
import { AwsAccountReader } from '../lambda/adapters/AwsAccountReader';
import { buildVerifier, VERIFY_BUDGET_MS } from '../lambda/adapters/buildVerifier';
import { DynamoDbIncidentRepository } from '../lambda/adapters/DynamoDbIncidentRepository';
import { ensureIncidentsTable } from '../lambda/adapters/ensureIncidentsTable';
import { decodeInput } from '../lambda/core/decode/decodeInput';
import { analyzeBatches } from '../lambda/core/diagnose/analyzeBatches';
import { IncidentService } from '../lambda/core/incidents/IncidentService';
import type { Notifier } from '../lambda/core/ports/Notifier';
import type { Diagnosis } from '../lambda/core/types';
import { type AwsStub, restJsonError, startAwsStub } from '../test/helpers/awsStub';
import { lookupEventsHandler, simulateHandler } from '../test/helpers/cloudTrail';
import { type MotoServer, motoEnv, startMoto } from '../test/helpers/moto';
import { type BuiltScenario, SCENARIOS } from '../test/helpers/verifyScenarios';
import { median } from './median';

/** What verification costs for one scenario. */
export interface ScenarioCost {
  readonly id: string;
  readonly title: string;
  /**
   * For IAM callers: IAM's policy simulation answered (as in AWS) or not (moto has none: the
   * policies are read and evaluated locally); null when the caller is not an IAM principal.
   */
  readonly simulation: boolean | null;
  readonly status: string;
  readonly rootCause: string;
  /** AWS read requests sent when the incident opened (median over the runs). */
  readonly newIncidentReads: number;
  /** AWS read requests sent for a later delivery of the same incident. */
  readonly repeatedReads: number;
  /** Time from the delivery to the OPENED send, with and without verification (medians, ms). */
  readonly openedMs: number;
  readonly baselineMs: number;
}

/** The verification section of the benchmark. */
export interface VerificationCost {
  readonly runs: number;
  readonly scenarios: readonly ScenarioCost[];
  readonly budgetMs: number;
  /** Median over the scenarios of (opened with verification - opened without). */
  readonly addedLatencyMs: number;
  /** Median over the scenarios of opened with / opened without. */
  readonly latencyRatio: number;
  /** When moto (python3 -m moto.server) could not be started: why; the figures are then empty. */
  readonly skipped: string | null;
}

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
/** Scenarios whose caller is an IAM role or user (the others are API Gateway). */
const IAM_CALLERS = new Set(['7', '7b', '8']);
const isIamCaller = (id: string) => IAM_CALLERS.has(id);

function linesToDiagnoses(built: BuiltScenario, at: number, first: number): Diagnosis[] {
  const text = built.lines.join('\n');
  const [batch] = decodeInput(text, { logGroup: built.logGroup });
  if (!batch) throw new Error('scenario decoded to nothing');
  // Text input has no times or ids: give each line the delivery's, as CloudWatch Logs would.
  const events = batch.events.map((e, i) => ({
    ...e,
    id: `${String(at + i).padStart(20, '0')}${String(first + i).padStart(36, '0')}`,
    timestamp: at + i,
  }));
  return analyzeBatches([{ ...batch, format: 'awslogs', owner: ACCOUNT, events }]).diagnoses;
}

/**
 * Verification cost per scenario, in the responder's composition (IncidentService with the AWS
 * verifier, DynamoDB on dynalite, a channel that records when OPENED is sent): AWS read requests
 * when an incident opens and for a later delivery of it (counted where the reader sends them), and
 * the time to the OPENED send with verification against the same without it, in the same run.
 * Lambda, API Gateway, IAM and STS are moto; CloudTrail LookupEvents and IAM's policy simulation
 * are a local stand-in (moto has neither), so the IAM scenarios are measured both with the
 * simulation (as in AWS) and without (local evaluation).
 */
export async function measureVerification(runs: number): Promise<VerificationCost> {
  let moto: MotoServer;
  try {
    moto = await startMoto();
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return {
      runs,
      scenarios: [],
      budgetMs: VERIFY_BUDGET_MS,
      addedLatencyMs: 0,
      latencyRatio: 0,
      skipped: why,
    };
  }
  const saved = { ...process.env };
  Object.assign(process.env, motoEnv(moto.endpoint), { MOTO_ENDPOINT: moto.endpoint });
  const stub: AwsStub = await startAwsStub();
  // Scenario 9: Lambda refuses every read, as it does without lambda:GetPolicy.
  const denying: AwsStub = await startAwsStub({ forward: false });
  denying.use(() =>
    restJsonError(
      403,
      'AccessDeniedException',
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/InvokeDoctor-Responder/x is not authorized to perform: lambda:GetPolicy`,
    ),
  );
  const dynalite = await startDynalite();
  const client = new DynamoDBClient({
    endpoint: dynalite.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  try {
    const tableName = 'bench-verify';
    await ensureIncidentsTable(client, tableName);
    const repository = new DynamoDbIncidentRepository({ client, tableName });
    const costs: ScenarioCost[] = [];
    const variants = SCENARIOS.flatMap((s) => [
      { scenario: s, simulation: true },
      ...(isIamCaller(s.id) ? [{ scenario: s, simulation: false }] : []),
    ]);
    let n = 0;
    for (const { scenario, simulation } of variants) {
      const reads: number[] = [];
      const repeats: number[] = [];
      const opened: number[] = [];
      const baseline: number[] = [];
      let status = '';
      let rootCause = '';
      for (let run = 0; run < runs; run++) {
        n += 1;
        const built = await scenario.build(`bv${n}s${scenario.id}`);
        stub.use(
          lookupEventsHandler(() => built.history),
          ...(simulation && built.simulation ? [simulateHandler((a) => built.simulation!(a))] : []),
        );
        let count = 0;
        const reader = new AwsAccountReader({
          region: REGION,
          identity: { account: ACCOUNT, partition: 'aws' },
          endpoints: {
            lambda: built.deniedService ? denying.endpoint : stub.endpoint,
            apigateway: stub.endpoint,
            apigatewayv2: stub.endpoint,
            iam: stub.endpoint,
            cloudtrail: stub.endpoint,
            sts: stub.endpoint,
          },
          onRequest: () => {
            count += 1;
          },
        });
        const at = Date.now() - 60_000;
        for (const verify of [false, true]) {
          let sentAt = 0;
          const channel: Notifier = {
            channel: 'bench',
            send: async (notification) => {
              if (notification.kind === 'opened' && sentAt === 0) sentAt = performance.now();
            },
          };
          const service = new IncidentService({
            repository,
            notifiers: [channel],
            clock: { now: () => Date.now() },
            ...(verify ? { verifier: buildVerifier({ reader, region: REGION }) } : {}),
          });
          // A distinct fingerprint per variant, so each opens its own incident.
          const diagnoses = linesToDiagnoses(built, at, 0).map((d) => ({
            ...d,
            fingerprint: `${d.fingerprint.slice(0, 24)}${verify ? 'v' : 'b'}${String(n).padStart(7, '0')}`,
          }));
          const started = performance.now();
          count = 0;
          const recorded = await service.record(diagnoses, {
            logGroup: built.logGroup,
            owner: ACCOUNT,
            receivedAt: Date.now(),
          });
          const elapsed = sentAt - started;
          if (!verify) {
            baseline.push(elapsed);
            continue;
          }
          opened.push(elapsed);
          reads.push(count);
          const head = await repository.getIncident(recorded[0]!.incidentId);
          status = head?.diagnosis.verification?.status ?? 'none';
          rootCause = head?.diagnosis.verification?.rootCause ?? 'none';
          count = 0;
          const later = linesToDiagnoses(built, at + 30_000, 500).map((d, i) => ({
            ...d,
            fingerprint: diagnoses[i]!.fingerprint,
          }));
          await service.record(later, {
            logGroup: built.logGroup,
            owner: ACCOUNT,
            receivedAt: Date.now(),
          });
          repeats.push(count);
        }
        reader.destroy();
      }
      costs.push({
        id: scenario.id,
        title: scenario.title,
        simulation: isIamCaller(scenario.id) ? simulation : null,
        status,
        rootCause,
        newIncidentReads: median(reads),
        repeatedReads: Math.max(...repeats),
        openedMs: median(opened),
        baselineMs: median(baseline),
      });
    }
    const added = costs.map((c) => c.openedMs - c.baselineMs);
    const ratios = costs.map((c) => c.openedMs / Math.max(c.baselineMs, 0.001));
    return {
      runs,
      scenarios: costs,
      budgetMs: VERIFY_BUDGET_MS,
      addedLatencyMs: median(added),
      latencyRatio: median(ratios),
      skipped: null,
    };
  } finally {
    client.destroy();
    await dynalite.close();
    await stub.close();
    await denying.close();
    await moto.stop();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
