/**
 * `invoke-doctor incidents show ID --verify` with the built CLI: an incident recorded in a moto
 * table from the real ERROR-level REST failure line, its API and function built in moto, and the
 * verdict printed in the Live account section. CloudTrail LookupEvents is answered by a local
 * stand-in (moto has none).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDbIncidentRepository } from '../../../lambda/adapters/DynamoDbIncidentRepository';
import { IncidentService } from '../../../lambda/core/incidents/IncidentService';
import type { Incident } from '../../../lambda/core/incidents/incident';
import { processLogBatch } from '../../../lambda/core/processLogBatch';
import { runInBash } from '../../helpers/awsCli';
import { type AwsStub, startAwsStub } from '../../helpers/awsStub';
import { lambdaEvent, lookupEventsHandler } from '../../helpers/cloudTrail';
import { createIncidentsTable, type IncidentsTable } from '../../helpers/createIncidentsTable';
import { motoEnv } from '../../helpers/moto';
import { motoEndpoint } from '../../helpers/motoEndpoint';
import { runCliAsync } from '../../helpers/runCli';
import { executionLogGroup, restErrorLevel } from '../../helpers/scenarioLogs';
import { TEST_POLICY } from '../../helpers/testPolicy';
import {
  ACCOUNT,
  createFunctionWith,
  createRestApiWith,
  functionArn,
  lambdaUri,
} from '../../helpers/verifyWorld';

// Unique per test file: moto is shared by parallel test files.
const P = 'ivs';
const FN = `${P}-orders`;
const DEPLOYER = { account: ACCOUNT, userName: 'deployer' };

let stub: AwsStub;
let table: IncidentsTable;
let cwd: string;
let env: Record<string, string>;
let id: string;
const history: ReturnType<typeof lambdaEvent>[] = [];

beforeAll(async () => {
  // Arrange: a REST API whose GET /orders integrates a function with no permission, and the
  // incident its ERROR-level failure line opens (the log names neither function nor route).
  stub = await startAwsStub();
  stub.use(lookupEventsHandler(() => history));
  await createFunctionWith(FN);
  const { apiId } = await createRestApiWith(
    P,
    [{ path: '/orders', method: 'GET', uri: lambdaUri(functionArn(FN)) }],
    [{ name: 'prod' }],
  );
  history.push(
    lambdaEvent('CreateFunction20150331', FN, new Date(Date.now() - 3_600_000).toISOString(), {
      ...DEPLOYER,
    }),
  );
  table = await createIncidentsTable('moto', `${P}-incidents`);
  const repository = new DynamoDbIncidentRepository({
    client: table.client,
    tableName: table.tableName,
  });
  const now = Date.now();
  const service = new IncidentService({
    repository,
    notifiers: [],
    clock: { now: () => now },
    policy: TEST_POLICY,
  });
  await processLogBatch(
    [
      {
        format: 'awslogs',
        owner: ACCOUNT,
        logGroup: executionLogGroup(apiId, 'prod'),
        logStream: 'f3ce6e03582b11e8',
        policyLevel: null,
        events: [{ id: '1', timestamp: now, message: restErrorLevel().trim() }],
      },
    ],
    { sink: service, now },
  );
  cwd = mkdtempSync(join(tmpdir(), 'invoke-doctor-incidents-verify-'));
  env = { ...motoEnv(motoEndpoint()), AWS_ENDPOINT_URL_CLOUDTRAIL: stub.endpoint };
  const listed = await runCliAsync(['incidents', '--table', table.tableName, '--json'], {
    cwd,
    env,
  });
  const incidents = listed.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Incident);
  expect(incidents).toHaveLength(1);
  id = incidents[0]!.id;
});

afterAll(async () => {
  await stub.close();
  await table.close();
  rmSync(cwd, { recursive: true, force: true });
});

/** The lines of the Live account section of `incidents show` (up to the first fix). */
function liveSection(stdout: string): string {
  const start = stdout.indexOf('Live account');
  expect(start).toBeGreaterThan(-1);
  const end = stdout.indexOf('Fix 1', start);
  return stdout.slice(start, end === -1 ? undefined : end);
}

test('without --verify there is no Live account section', async () => {
  // Act
  const shown = await runCliAsync(['incidents', 'show', id, '--table', table.tableName], {
    cwd,
    env,
  });

  // Assert
  expect(shown.code).toBe(0);
  expect(shown.stdout).toContain(`Incident ${id} · OPEN`);
  expect(shown.stdout).not.toContain('Live account');
});

test('--verify prints the verdict, root cause, every call as evidence and the exact grant', async () => {
  // Act
  const shown = await runCliAsync(
    ['incidents', 'show', id, '--table', table.tableName, '--verify'],
    { cwd, env },
  );

  // Assert
  expect(shown.stderr).toBe('');
  expect(shown.code).toBe(0);
  const live = liveSection(shown.stdout);
  expect(live).toMatch(/Verified\s+confirmed: permission-missing \(checked /);
  expect(live).toMatch(
    new RegExp(
      `Why\\s+GET /orders → ${functionArn(FN)}: The function has no resource-based policy`,
    ),
  );
  expect(live).toMatch(/Change\s+CreateFunction20150331 by arn:aws:iam::\d{12}:user\/deployer/);
  expect(live).toMatch(new RegExp(`Evidence\\s+sts:GetCallerIdentity → account ${ACCOUNT}`));
  expect(live).toMatch(/apigateway:GetResources .* → 2 resources, 1 Lambda integrations/);
  for (const call of [
    'apigateway:GetResources',
    'lambda:GetPolicy',
    'lambda:GetFunctionConfiguration',
    'cloudtrail:LookupEvents',
  ]) {
    expect(live).toMatch(new RegExp(`\\n\\s+${call} .* → `));
  }
  // The ERROR-level log named no function: the live integration did, so the grant is runnable.
  expect(shown.stdout).toContain(
    `aws lambda add-permission --region 'us-east-1' --function-name '${functionArn(FN)}'`,
  );
});

test('--verify after the grant is applied: fixed', async () => {
  // Arrange: the command the verified incident suggests, run unchanged
  const before = await runCliAsync(
    ['incidents', 'show', id, '--table', table.tableName, '--verify', '--json'],
    { cwd, env },
  );
  const incident = JSON.parse(before.stdout) as Incident;
  const grant = incident.diagnosis.fixes.find((f) => f.kind === 'add-permission')?.command;
  expect(grant).toBeTruthy();
  await runInBash(grant!);

  // Act
  const shown = await runCliAsync(
    ['incidents', 'show', id, '--table', table.tableName, '--verify'],
    { cwd, env },
  );

  // Assert
  expect(shown.code).toBe(0);
  expect(liveSection(shown.stdout)).toMatch(/Verified\s+fixed \(checked /);
});
