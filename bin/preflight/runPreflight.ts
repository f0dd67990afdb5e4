import type { APIGatewayClient, MethodSetting, Stage } from '@aws-sdk/client-api-gateway';
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { APIGW_EXECUTION_LOG_PREFIX, LAMBDA_LOG_GROUP_PREFIX } from '../../lambda/core/constants';
import {
  CLF_WITH_INTEGRATION_ERROR,
  INTEGRATION_ERROR_VARIABLE,
  preflightFixes,
  withIntegrationError,
} from './preflightFixes';

/** What preflight checks: the watched part of the deployment config (lib/config.ts's shape). */
export interface PreflightTargets {
  readonly restApis: readonly { readonly id: string; readonly stages: readonly string[] }[];
  readonly functions: readonly string[];
  readonly logGroups: readonly string[];
  readonly accountWide: boolean;
}

/** SDK clients preflight uses, built with the user's credentials (or pointed at an emulator). */
export interface PreflightClients {
  readonly logs: CloudWatchLogsClient;
  readonly apigateway: APIGatewayClient;
  readonly apigatewayv2: ApiGatewayV2Client;
}

/** Outcome of one check: `problem` stops detection; `warning` may; `note` is advice. */
export const CHECK_STATUSES = ['ok', 'note', 'warning', 'problem'] as const;
/** One of {@link CHECK_STATUSES}. */
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** Names of the checks. */
export type CheckName =
  | 'log-group'
  | 'subscription-filters'
  | 'rest-logging'
  | 'apigateway-account'
  | 'http-access-log'
  | 'central-destination'
  | 'central-stream'
  | 'central-consumer'
  | 'member-subscription';

/** One check's result, with the exact commands that fix it. */
export interface CheckResult {
  /** A log group name, `REST API <id> stage <stage>`, `HTTP API <id> stage <stage>` or `account`. */
  readonly target: string;
  readonly check: CheckName;
  readonly status: CheckStatus;
  readonly message: string;
  readonly fix: readonly string[];
}

/** Everything preflight found. */
export interface PreflightReport {
  readonly region: string;
  readonly mode: 'per-group' | 'account-wide' | 'central';
  /** True when no check is a `problem`. */
  readonly ok: boolean;
  readonly results: readonly CheckResult[];
}

/** Matches invoke-doctor's own subscription filter (by name or destination), which needs no slot. */
export const OWN_FILTER = /invoke-?doctor/i;

// Pages of any list call read before giving up: preflight must finish in seconds.
const MAX_PAGES = 20;

type Sdks = Awaited<ReturnType<typeof loadSdks>>;

/**
 * Checks, with the caller's credentials, what would stop invoke-doctor from detecting failures in the
 * configured targets: missing log groups, subscription filter slots, REST execution logging, the API
 * Gateway CloudWatch role, HTTP API access-log formats. Read-only: it never changes anything.
 */
export async function runPreflight(
  targets: PreflightTargets,
  clients: PreflightClients,
): Promise<PreflightReport> {
  const sdk = await loadSdks();
  const region = await clients.logs.config.region();
  const ctx: Ctx = { sdk, clients, region, results: [] };
  if (targets.accountWide) await accountWide(ctx);
  else await perGroup(ctx, targets);
  return {
    region,
    mode: targets.accountWide ? 'account-wide' : 'per-group',
    ok: ctx.results.every((r) => r.status !== 'problem'),
    results: ctx.results,
  };
}

interface Ctx {
  readonly sdk: Sdks;
  readonly clients: PreflightClients;
  readonly region: string;
  readonly results: CheckResult[];
}

interface GroupTarget {
  readonly logGroupName: string;
  readonly rest?: { readonly id: string; readonly stage: string };
  readonly kind: 'rest' | 'function' | 'log-group';
}

interface HttpStage {
  readonly apiId: string;
  readonly stage: string;
  readonly destinationArn: string | null;
  readonly logGroupName: string | null;
  readonly format: string | null;
}

async function perGroup(ctx: Ctx, targets: PreflightTargets): Promise<void> {
  const groups: GroupTarget[] = [
    ...targets.restApis.flatMap((api) =>
      api.stages.map(
        (stage): GroupTarget => ({
          logGroupName: `${APIGW_EXECUTION_LOG_PREFIX}${api.id}/${stage}`,
          rest: { id: api.id, stage },
          kind: 'rest',
        }),
      ),
    ),
    ...targets.functions.map(
      (name): GroupTarget => ({
        logGroupName: `${LAMBDA_LOG_GROUP_PREFIX}${name}`,
        kind: 'function',
      }),
    ),
    ...targets.logGroups.map((name): GroupTarget => ({ logGroupName: name, kind: 'log-group' })),
  ];
  if (targets.restApis.length > 0)
    await guard(ctx, 'account', 'apigateway-account', () => checkAccount(ctx));
  // HTTP APIs are configured by their access-log group: find the stages that write to each.
  let httpStages: HttpStage[] = [];
  if (targets.logGroups.length > 0) {
    await guard(ctx, 'account', 'http-access-log', async () => {
      httpStages = await listHttpStages(ctx);
    });
  }
  for (const group of groups) {
    const name = group.logGroupName;
    const exists = await guard(ctx, name, 'log-group', () => checkLogGroup(ctx, group));
    if (exists === true) {
      await guard(ctx, name, 'subscription-filters', () => checkSubscriptionFilters(ctx, name));
    }
    if (group.rest) {
      const { id, stage } = group.rest;
      await guard(ctx, restTarget(id, stage), 'rest-logging', () => checkRestStage(ctx, id, stage));
    }
    const writers = httpStages.filter((s) => s.logGroupName === name);
    for (const s of writers) checkHttpFormat(ctx, s);
    if (group.kind === 'log-group' && writers.length === 0) {
      ctx.results.push({
        target: name,
        check: 'http-access-log',
        status: 'note',
        message: `no HTTP API stage in ${ctx.region} sends access logs to this group (fine if it is not an HTTP API access log)`,
        fix: [],
      });
    }
  }
}

async function accountWide(ctx: Ctx): Promise<void> {
  const restApis = (await guard(ctx, 'account', 'rest-logging', () => listRestApis(ctx))) ?? [];
  if (restApis.length > 0)
    await guard(ctx, 'account', 'apigateway-account', () => checkAccount(ctx));
  for (const apiId of restApis) {
    const stages =
      (await guard(ctx, `REST API ${apiId}`, 'rest-logging', async () => {
        const out = await ctx.clients.apigateway.send(
          new ctx.sdk.apigw.GetStagesCommand({ restApiId: apiId }),
        );
        return out.item ?? [];
      })) ?? [];
    for (const stage of stages) {
      if (stage.stageName)
        ctx.results.push(...restLoggingResults(ctx, apiId, stage.stageName, stage));
    }
  }
  const httpStages =
    (await guard(ctx, 'account', 'http-access-log', () => listHttpStages(ctx))) ?? [];
  for (const s of httpStages) {
    if (s.destinationArn === null) {
      const logGroupName = `/aws/apigateway/${s.apiId}/${s.stage}`;
      ctx.results.push({
        target: httpTarget(s.apiId, s.stage),
        check: 'http-access-log',
        status: 'problem',
        message:
          'no access logging: HTTP APIs have no execution logs, so this stage’s integration failures are logged nowhere. ' +
          `Send access logs to a log group with a format that includes ${INTEGRATION_ERROR_VARIABLE}:`,
        fix: [
          'ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)',
          preflightFixes.createLogGroup(ctx.region, logGroupName),
          preflightFixes.httpAccessLogSettingsInAccount(
            ctx.region,
            s.apiId,
            s.stage,
            logGroupName,
            CLF_WITH_INTEGRATION_ERROR,
          ),
        ],
      });
    } else {
      checkHttpFormat(ctx, s);
    }
  }
}

async function checkLogGroup(ctx: Ctx, group: GroupTarget): Promise<boolean> {
  const name = group.logGroupName;
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const out = await ctx.clients.logs.send(
      new ctx.sdk.logs.DescribeLogGroupsCommand({
        logGroupNamePrefix: name,
        limit: 50,
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    if ((out.logGroups ?? []).some((g) => g.logGroupName === name)) {
      ctx.results.push({
        target: name,
        check: 'log-group',
        status: 'ok',
        message: 'log group exists',
        fix: [],
      });
      return true;
    }
    nextToken = out.nextToken;
    if (!nextToken) break;
  }
  const why =
    group.kind === 'rest'
      ? 'API Gateway creates it with the first request it logs after execution logging is on; until then'
      : group.kind === 'function'
        ? 'Lambda creates it on the first invocation; until then'
        : 'until it exists';
  ctx.results.push({
    target: name,
    check: 'log-group',
    status: 'problem',
    message: `log group does not exist in ${ctx.region}: ${why} the subscription filter cannot be created (deploy fails with ResourceNotFoundException). Create it now:`,
    fix: [preflightFixes.createLogGroup(ctx.region, name)],
  });
  return false;
}

async function checkSubscriptionFilters(ctx: Ctx, logGroupName: string): Promise<void> {
  const out = await ctx.clients.logs.send(
    new ctx.sdk.logs.DescribeSubscriptionFiltersCommand({ logGroupName }),
  );
  const filters = out.subscriptionFilters ?? [];
  const ours = filters.filter(
    (f) => OWN_FILTER.test(f.filterName ?? '') || OWN_FILTER.test(f.destinationArn ?? ''),
  );
  const others = filters.filter((f) => !ours.includes(f));
  const names = others.map((f) => f.filterName ?? '?').join(', ');
  const mine =
    ours.length > 0
      ? ` invoke-doctor’s own filter is already installed (${ours.map((f) => f.filterName).join(', ')}).`
      : '';
  const base = { target: logGroupName, check: 'subscription-filters' as const };
  if (ours.length > 0 || others.length <= 1) {
    ctx.results.push({
      ...base,
      status: 'ok',
      message:
        others.length === 0
          ? `no other subscription filters.${mine}`
          : `1 other subscription filter (${names}); every log group allows at least 2.${mine}`,
      fix: [],
    });
    return;
  }
  // The per-group limit is 2 in many accounts and up to 5 in others, and the API does not say which:
  // PutSubscriptionFilter only fails with LimitExceededException "Resource limit exceeded.".
  const full = others.length >= 5;
  ctx.results.push({
    ...base,
    status: full ? 'problem' : 'warning',
    message:
      `${others.length} other subscription filters (${names}). ` +
      (full
        ? 'No log group allows more than 5, so invoke-doctor’s filter cannot be added.'
        : 'The per-group limit is 2 in some accounts and up to 5 in others; if this group is at its limit, deploy fails with LimitExceededException ("Resource limit exceeded.", which does not name the limit).') +
      ' Free a slot by removing a filter you no longer need, or use accountWide mode:',
    fix: others.map((f) =>
      preflightFixes.deleteSubscriptionFilter(ctx.region, logGroupName, f.filterName ?? ''),
    ),
  });
}

async function checkRestStage(ctx: Ctx, restApiId: string, stageName: string): Promise<void> {
  let stage: Stage;
  try {
    stage = await ctx.clients.apigateway.send(
      new ctx.sdk.apigw.GetStageCommand({ restApiId, stageName }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== 'NotFoundException') throw error;
    ctx.results.push({
      target: restTarget(restApiId, stageName),
      check: 'rest-logging',
      status: 'problem',
      message: `REST API ${restApiId} has no stage ${stageName} in ${ctx.region} (or the API does not exist): check invoke-doctor.restApis in your config and the region`,
      fix: [],
    });
    return;
  }
  ctx.results.push(...restLoggingResults(ctx, restApiId, stageName, stage));
}

function restLoggingResults(
  ctx: Ctx,
  restApiId: string,
  stageName: string,
  stage: Stage,
): CheckResult[] {
  const target = restTarget(restApiId, stageName);
  const settings: Record<string, MethodSetting> = stage.methodSettings ?? {};
  const level = settings['*/*']?.loggingLevel ?? 'OFF';
  const results: CheckResult[] = [];
  if (level === 'INFO') {
    results.push({
      target,
      check: 'rest-logging',
      status: 'ok',
      message: 'execution logging at INFO',
      fix: [],
    });
  } else if (level === 'ERROR') {
    results.push({
      target,
      check: 'rest-logging',
      status: 'note',
      message:
        'execution logging at ERROR: failures are detected, but the lines naming the function and route are INFO lines, ' +
        'so diagnoses from this stage may not name the function. INFO gives complete diagnoses (and more log ingestion):',
      fix: [preflightFixes.restStageLogging(ctx.region, restApiId, stageName, 'INFO')],
    });
  } else {
    results.push({
      target,
      check: 'rest-logging',
      status: 'problem',
      message: `execution logging is ${level}: API Gateway writes no failure lines, so nothing can be detected. Turn it on (ERROR detects; INFO also names the function and route):`,
      fix: [
        preflightFixes.restStageLogging(ctx.region, restApiId, stageName, 'ERROR'),
        preflightFixes.restStageLogging(ctx.region, restApiId, stageName, 'INFO'),
      ],
    });
  }
  // Per-method overrides can switch logging off again for one method.
  if (level === 'INFO' || level === 'ERROR') {
    for (const [key, setting] of Object.entries(settings)) {
      if (key === '*/*' || setting.loggingLevel !== 'OFF') continue;
      results.push({
        target,
        check: 'rest-logging',
        status: 'warning',
        message: `method override ${describeMethodKey(key)} turns execution logging off: failures of that method are not logged`,
        fix: [preflightFixes.restMethodLogging(ctx.region, restApiId, stageName, key, level)],
      });
    }
  }
  return results;
}

async function checkAccount(ctx: Ctx): Promise<void> {
  const account = await ctx.clients.apigateway.send(new ctx.sdk.apigw.GetAccountCommand({}));
  if (account.cloudwatchRoleArn) {
    ctx.results.push({
      target: 'account',
      check: 'apigateway-account',
      status: 'ok',
      message: `API Gateway writes CloudWatch Logs with ${account.cloudwatchRoleArn}`,
      fix: [],
    });
    return;
  }
  ctx.results.push({
    target: 'account',
    check: 'apigateway-account',
    status: 'problem',
    message: `API Gateway has no CloudWatch Logs role in ${ctx.region}: REST stages cannot write execution logs`,
    fix: preflightFixes.apigatewayAccountRole(ctx.region),
  });
}

function checkHttpFormat(ctx: Ctx, s: HttpStage): void {
  const target = httpTarget(s.apiId, s.stage);
  const format = s.format ?? '';
  if (!format.includes(INTEGRATION_ERROR_VARIABLE)) {
    ctx.results.push({
      target,
      check: 'http-access-log',
      status: 'problem',
      message: `access-log format lacks ${INTEGRATION_ERROR_VARIABLE}: the permission failure is never written to ${s.logGroupName ?? 'the log group'}. Add it:`,
      fix: [
        preflightFixes.httpAccessLogSettings(
          ctx.region,
          s.apiId,
          s.stage,
          s.destinationArn ?? '',
          withIntegrationError(format),
        ),
      ],
    });
    return;
  }
  ctx.results.push({
    target,
    check: 'http-access-log',
    status: 'ok',
    message: `access-log format includes ${INTEGRATION_ERROR_VARIABLE}`,
    fix: [],
  });
  if (!format.includes('$context.authorizer.error')) {
    ctx.results.push({
      target,
      check: 'http-access-log',
      status: 'note',
      message:
        'add $context.authorizer.error to the format to also catch Lambda authorizer permission failures',
      fix: [],
    });
  }
}

async function listRestApis(ctx: Ctx): Promise<string[]> {
  const ids: string[] = [];
  let position: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const out = await ctx.clients.apigateway.send(
      new ctx.sdk.apigw.GetRestApisCommand({ limit: 500, ...(position ? { position } : {}) }),
    );
    for (const api of out.items ?? []) if (api.id) ids.push(api.id);
    position = out.position;
    if (!position) break;
  }
  return ids;
}

async function listHttpStages(ctx: Ctx): Promise<HttpStage[]> {
  const { GetApisCommand, GetStagesCommand } = ctx.sdk.apigwv2;
  const apiIds: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const out = await ctx.clients.apigatewayv2.send(
      new GetApisCommand({ MaxResults: '100', ...(nextToken ? { NextToken: nextToken } : {}) }),
    );
    for (const api of out.Items ?? []) {
      if (api.ApiId && api.ProtocolType === 'HTTP') apiIds.push(api.ApiId);
    }
    nextToken = out.NextToken;
    if (!nextToken) break;
  }
  const stages: HttpStage[] = [];
  for (const apiId of apiIds) {
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const out = await ctx.clients.apigatewayv2.send(
        new GetStagesCommand({
          ApiId: apiId,
          MaxResults: '100',
          ...(token ? { NextToken: token } : {}),
        }),
      );
      for (const s of out.Items ?? []) {
        if (!s.StageName) continue;
        const destinationArn = s.AccessLogSettings?.DestinationArn ?? null;
        stages.push({
          apiId,
          stage: s.StageName,
          destinationArn,
          logGroupName: destinationArn ? logGroupOfArn(destinationArn) : null,
          format: s.AccessLogSettings?.Format ?? null,
        });
      }
      token = out.NextToken;
      if (!token) break;
    }
  }
  return stages;
}

/** Log group name of a CloudWatch Logs log-group ARN (`arn:aws:logs:r:a:log-group:NAME[:*]`). */
export function logGroupOfArn(arn: string): string | null {
  const marker = ':log-group:';
  const at = arn.indexOf(marker);
  if (!arn.startsWith('arn:') || at < 0) return null;
  return arn.slice(at + marker.length).replace(/:\*$/, '');
}

// A permission error on one check is reported, and the other checks still run.
async function guard<T>(
  ctx: Ctx,
  target: string,
  check: CheckName,
  run: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const denied =
      e.$metadata?.httpStatusCode === 403 ||
      ['AccessDeniedException', 'AccessDenied', 'UnauthorizedException'].includes(e.name ?? '');
    if (!denied) throw error;
    ctx.results.push({
      target,
      check,
      status: 'warning',
      message: `cannot check with these credentials: ${e.name}: ${oneLine(e.message ?? '')}`,
      fix: [],
    });
    return undefined;
  }
}

function restTarget(id: string, stage: string): string {
  return `REST API ${id} stage ${stage}`;
}

function httpTarget(id: string, stage: string): string {
  return `HTTP API ${id} stage ${stage}`;
}

// `~1orders~1{id}/GET` -> `GET /orders/{id}` (API Gateway escapes `/` in paths as `~1`).
function describeMethodKey(key: string): string {
  const slash = key.lastIndexOf('/');
  const path = key.slice(0, slash).replaceAll('~1', '/');
  return `${key.slice(slash + 1)} ${path || '/'}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 300);
}

// The SDK modules cost ~100 ms each to load: only a preflight run pays for them, never `--help`.
async function loadSdks() {
  const [logs, apigw, apigwv2] = await Promise.all([
    import('@aws-sdk/client-cloudwatch-logs'),
    import('@aws-sdk/client-api-gateway'),
    import('@aws-sdk/client-apigatewayv2'),
  ]);
  return { logs, apigw, apigwv2 };
}
