import type { CloudWatchLogsClient, Destination } from '@aws-sdk/client-cloudwatch-logs';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { EventSourceMappingConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CENTRAL_DESTINATION_NAME,
  FILTER_PATTERN,
  MAX_DESTINATION_POLICY_BYTES,
  ownLogGroupNames,
  STACK_NAMES,
} from '../../lambda/core/constants';
import type { CheckResult, CheckStatus, PreflightReport } from './runPreflight';

/** What the central preflight checks: the `central` object of the deployment config. */
export interface CentralTargets {
  readonly organizationId?: string | undefined;
  readonly accountIds: readonly string[];
  /** The central account, when configured (members check their destination against it). */
  readonly account?: string | undefined;
  readonly memberLogGroups: readonly string[];
}

/** SDK clients the central preflight uses, with the caller's credentials (or an emulator). */
export interface CentralPreflightClients {
  readonly logs: CloudWatchLogsClient;
  readonly kinesis: KinesisClient;
  readonly lambda: LambdaClient;
}

const DESTINATION_SUFFIX = `:destination:${CENTRAL_DESTINATION_NAME}`;
// Pages of any list call read before giving up: preflight must finish in seconds.
const MAX_PAGES = 20;

type Sdks = Awaited<ReturnType<typeof loadSdks>>;

interface Ctx {
  readonly sdk: Sdks;
  readonly clients: CentralPreflightClients;
  readonly region: string;
  readonly targets: CentralTargets;
  readonly results: CheckResult[];
}

/**
 * `invoke-doctor preflight --central`, read-only, with the caller's credentials in one account and
 * Region. Where the central destination lives (the central account): its access policy admits the
 * configured organisation or accounts and fits the size limit, the stream is active and encrypted,
 * and an enabled event source mapping consumes it with partial batch responses, bisection, a retry
 * limit and an on-failure destination. In every account: the member subscription (the account-level
 * subscription filter policy, or the listed per-group filters) points at the central destination of
 * this Region with the shared filter pattern, and no other account-level policy takes its place.
 */
export async function runCentralPreflight(
  targets: CentralTargets,
  clients: CentralPreflightClients,
): Promise<PreflightReport> {
  const sdk = await loadSdks();
  const region = await clients.logs.config.region();
  const ctx: Ctx = { sdk, clients, region, targets, results: [] };
  const destination = await guard(ctx, 'destination', 'central-destination', () =>
    findDestination(ctx),
  );
  if (destination) {
    checkDestinationPolicy(ctx, destination);
    if (destination.targetArn) {
      await guard(ctx, 'stream', 'central-stream', () =>
        checkStream(ctx, destination.targetArn as string),
      );
      await guard(ctx, 'stream consumer', 'central-consumer', () =>
        checkConsumer(ctx, destination.targetArn as string),
      );
    }
  } else if (destination === null) {
    push(ctx, 'destination', 'central-destination', 'note', [
      `no destination ${CENTRAL_DESTINATION_NAME} in this account and ${region}: checking this account as a member only`,
      '(run preflight --central with the central account’s credentials to check the destination, the stream and its consumer)',
    ]);
  }
  const central = destination !== null && destination !== undefined;
  if (targets.memberLogGroups.length > 0) {
    for (const group of targets.memberLogGroups) {
      await guard(ctx, group, 'member-subscription', () => checkGroupFilter(ctx, group));
    }
  } else {
    await guard(ctx, 'account-level policy', 'member-subscription', () =>
      checkAccountPolicy(ctx, central),
    );
  }
  return {
    region,
    mode: 'central',
    ok: ctx.results.every((r) => r.status !== 'problem'),
    results: ctx.results,
  };
}

async function findDestination(ctx: Ctx): Promise<Destination | null> {
  const out = await ctx.clients.logs.send(
    new ctx.sdk.logs.DescribeDestinationsCommand({
      DestinationNamePrefix: CENTRAL_DESTINATION_NAME,
    }),
  );
  const found = (out.destinations ?? []).find(
    (d) => d.destinationName === CENTRAL_DESTINATION_NAME,
  );
  if (!found) return null;
  push(ctx, 'destination', 'central-destination', 'ok', [
    `${found.arn ?? CENTRAL_DESTINATION_NAME} delivers to ${found.targetArn ?? 'no target'}`,
  ]);
  return found;
}

interface PolicyStatement {
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly Action?: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

function checkDestinationPolicy(ctx: Ctx, destination: Destination): void {
  const target = 'destination policy';
  const text = destination.accessPolicy;
  if (!text) {
    push(ctx, target, 'central-destination', 'problem', [
      'the destination has no access policy: no member account may subscribe to it. Deploy the InvokeDoctorCentral stack again.',
    ]);
    return;
  }
  let statements: PolicyStatement[];
  try {
    const parsed = JSON.parse(text) as { Statement?: PolicyStatement | PolicyStatement[] };
    statements = Array.isArray(parsed.Statement)
      ? parsed.Statement
      : parsed.Statement
        ? [parsed.Statement]
        : [];
  } catch {
    push(ctx, target, 'central-destination', 'problem', ['the access policy is not JSON']);
    return;
  }
  const allowing = (action: string) =>
    statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action));
  const subscribers = allowing('logs:PutSubscriptionFilter');
  const { organizationId, accountIds } = ctx.targets;
  if (organizationId !== undefined) {
    const admits = subscribers.some((s) =>
      values(s.Condition?.StringEquals?.['aws:PrincipalOrgID']).includes(organizationId),
    );
    push(
      ctx,
      target,
      'central-destination',
      admits ? 'ok' : 'problem',
      admits
        ? [`admits organisation ${organizationId} (aws:PrincipalOrgID)`]
        : [
            `does not admit organisation ${organizationId}: its member accounts cannot subscribe. Check central.organizationId and deploy InvokeDoctorCentral again.`,
          ],
    );
  } else {
    const admitted = new Set(
      subscribers.flatMap((s) =>
        values((s.Principal as { AWS?: unknown } | undefined)?.AWS).map(accountOf),
      ),
    );
    const missing = accountIds.filter((id) => !admitted.has(id));
    push(
      ctx,
      target,
      'central-destination',
      missing.length === 0 ? 'ok' : 'problem',
      missing.length === 0
        ? [`admits the ${accountIds.length} configured account(s)`]
        : [
            `does not admit ${missing.join(', ')}: those accounts cannot subscribe. Deploy InvokeDoctorCentral again after adding them to central.accountIds.`,
          ],
    );
  }
  if (subscribers.length > 0 && allowing('logs:PutAccountPolicy').length === 0) {
    push(ctx, target, 'central-destination', 'warning', [
      'the policy does not allow logs:PutAccountPolicy: members cannot point an account-level subscription filter policy at it (per-group filters still work)',
    ]);
  }
  const bytes = Buffer.byteLength(text);
  push(
    ctx,
    target,
    'central-destination',
    bytes > MAX_DESTINATION_POLICY_BYTES * 0.8 ? 'warning' : 'ok',
    [
      `${bytes} of the ${MAX_DESTINATION_POLICY_BYTES} bytes an access policy may have${
        bytes > MAX_DESTINATION_POLICY_BYTES * 0.8
          ? ': close to the limit; admit the organisation (central.organizationId) instead of listing accounts'
          : ''
      }`,
    ],
  );
}

async function checkStream(ctx: Ctx, streamArn: string): Promise<void> {
  const out = await ctx.clients.kinesis.send(
    new ctx.sdk.kinesis.DescribeStreamSummaryCommand({ StreamARN: streamArn }),
  );
  const s = out.StreamDescriptionSummary;
  const status = s?.StreamStatus ?? 'UNKNOWN';
  const mode = s?.StreamModeDetails?.StreamMode ?? 'PROVISIONED';
  push(
    ctx,
    'stream',
    'central-stream',
    status === 'ACTIVE' || status === 'UPDATING' ? 'ok' : 'problem',
    [
      `${s?.StreamName ?? streamArn} is ${status}, ${mode === 'ON_DEMAND' ? 'on-demand' : `provisioned with ${s?.OpenShardCount ?? '?'} open shard(s)`}, retention ${s?.RetentionPeriodHours ?? '?'} h`,
    ],
  );
  if (s?.EncryptionType !== 'KMS') {
    push(ctx, 'stream', 'central-stream', 'warning', [
      'server-side encryption is off: member log lines rest unencrypted in the stream. Deploy InvokeDoctorCentral again.',
    ]);
  }
}

async function checkConsumer(ctx: Ctx, streamArn: string): Promise<void> {
  const mappings: EventSourceMappingConfiguration[] = [];
  let marker: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const out = await ctx.clients.lambda.send(
      new ctx.sdk.lambda.ListEventSourceMappingsCommand({
        EventSourceArn: streamArn,
        ...(marker ? { Marker: marker } : {}),
      }),
    );
    mappings.push(...(out.EventSourceMappings ?? []));
    marker = out.NextMarker;
    if (!marker) break;
  }
  const target = 'stream consumer';
  if (mappings.length === 0) {
    push(ctx, target, 'central-consumer', 'problem', [
      'nothing consumes the stream: member deliveries pile up unread until they expire. Deploy InvokeDoctorCentral again.',
    ]);
    return;
  }
  for (const m of mappings) {
    const fn = m.FunctionArn?.split(':').pop() ?? '?';
    const state = m.State ?? 'Unknown';
    const problems: string[] = [];
    const warnings: string[] = [];
    if (state !== 'Enabled' && state !== 'Enabling' && state !== 'Updating') {
      problems.push(`the mapping to ${fn} is ${state}: nothing is diagnosed`);
    }
    if (!(m.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures')) {
      warnings.push('no ReportBatchItemFailures: one bad record retries the whole batch');
    }
    if (m.BisectBatchOnFunctionError !== true) {
      warnings.push(
        'no BisectBatchOnFunctionError: a record that fails the invocation is not isolated',
      );
    }
    if (m.MaximumRetryAttempts === undefined || m.MaximumRetryAttempts < 0) {
      warnings.push('unlimited retries: a poison record blocks its shard until it expires');
    }
    if (!m.DestinationConfig?.OnFailure?.Destination) {
      warnings.push(
        'no on-failure destination: records that keep failing are dropped without a trace',
      );
    }
    const status: CheckStatus =
      problems.length > 0 ? 'problem' : warnings.length > 0 ? 'warning' : 'ok';
    push(ctx, target, 'central-consumer', status, [
      status === 'ok'
        ? `${fn} consumes it (${state}; batch ${m.BatchSize ?? '?'}, window ${m.MaximumBatchingWindowInSeconds ?? 0} s, ${m.ParallelizationFactor ?? 1} per shard; partial batch responses, bisection, ${m.MaximumRetryAttempts} retries, on-failure destination)`
        : [...problems, ...warnings].join('; '),
    ]);
  }
}

interface SubscriptionDocument {
  readonly DestinationArn?: string;
  readonly FilterPattern?: string;
  readonly RoleArn?: string;
}

async function checkAccountPolicy(ctx: Ctx, central: boolean): Promise<void> {
  const target = 'account-level policy';
  const out = await ctx.clients.logs.send(
    new ctx.sdk.logs.DescribeAccountPoliciesCommand({ policyType: 'SUBSCRIPTION_FILTER_POLICY' }),
  );
  const policies = (out.accountPolicies ?? []).map((p) => ({
    name: p.policyName ?? '?',
    selection: p.selectionCriteria ?? '',
    document: parseDocument(p.policyDocument),
  }));
  const ours = policies.find((p) => p.document.DestinationArn?.endsWith(DESTINATION_SUFFIX));
  if (!ours) {
    const other = policies[0];
    if (other) {
      push(ctx, target, 'member-subscription', 'problem', [
        `this account already has an account-level subscription filter policy (${other.name}, to ${other.document.DestinationArn ?? '?'}), and CloudWatch Logs allows one per account and Region: subscribe log groups one by one with central.memberLogGroups, or remove that policy`,
      ]);
      return;
    }
    push(ctx, target, 'member-subscription', central ? 'note' : 'problem', [
      central
        ? 'this account’s own log groups are not sent to the destination (deploy InvokeDoctorSource here too to watch them)'
        : `no subscription to the central destination: deploy the ${STACK_NAMES.source} stack in this account and Region`,
    ]);
    return;
  }
  const arn = ours.document.DestinationArn as string;
  const [, , , arnRegion = '', arnAccount = ''] = arn.split(':');
  const problems: string[] = [];
  const warnings: string[] = [];
  if (arnRegion !== ctx.region) {
    problems.push(
      `it points at a destination in ${arnRegion}; CloudWatch Logs only delivers to a destination in the log groups’ Region (${ctx.region})`,
    );
  }
  if (ctx.targets.account !== undefined && arnAccount !== ctx.targets.account) {
    problems.push(`it points at account ${arnAccount}, not central.account ${ctx.targets.account}`);
  }
  if (ctx.targets.organizationId !== undefined && !ours.document.RoleArn) {
    problems.push(
      'it has no RoleArn, which a destination admitting an organisation requires to check this account’s permission',
    );
  }
  if (ours.document.FilterPattern !== FILTER_PATTERN) {
    warnings.push(
      'its filter pattern is not this version’s: some failure lines are not streamed (deploy InvokeDoctorSource again)',
    );
  }
  const own = [STACK_NAMES.single, STACK_NAMES.central].flatMap((name) => ownLogGroupNames(name));
  const unexcluded = own.filter((name) => !ours.selection.includes(JSON.stringify(name)));
  if (unexcluded.length > 0) {
    warnings.push(
      `it does not exclude ${unexcluded.join(', ')}: if this account runs that stack, the responder would read its own output`,
    );
  }
  const status: CheckStatus =
    problems.length > 0 ? 'problem' : warnings.length > 0 ? 'warning' : 'ok';
  push(ctx, target, 'member-subscription', status, [
    status === 'ok'
      ? `${ours.name} sends matching lines of every other log group to ${arn}`
      : `${ours.name}: ${[...problems, ...warnings].join('; ')}`,
  ]);
}

async function checkGroupFilter(ctx: Ctx, logGroupName: string): Promise<void> {
  const out = await ctx.clients.logs.send(
    new ctx.sdk.logs.DescribeSubscriptionFiltersCommand({ logGroupName }),
  );
  const filters = out.subscriptionFilters ?? [];
  const ours = filters.find((f) => f.destinationArn?.endsWith(DESTINATION_SUFFIX));
  if (ours) {
    const sameRegion = ours.destinationArn?.split(':')[3] === ctx.region;
    push(ctx, logGroupName, 'member-subscription', sameRegion ? 'ok' : 'problem', [
      sameRegion
        ? `subscribed to ${ours.destinationArn} by ${ours.filterName}`
        : `subscribed to ${ours.destinationArn}, a destination in another Region, which CloudWatch Logs does not deliver to`,
    ]);
    return;
  }
  push(ctx, logGroupName, 'member-subscription', 'problem', [
    filters.length >= 2
      ? `not subscribed, and it already has ${filters.length} subscription filters (${filters.map((f) => f.filterName).join(', ')}): free a slot, then deploy ${STACK_NAMES.source}`
      : `not subscribed to the central destination: deploy ${STACK_NAMES.source} in this account and Region`,
  ]);
}

function parseDocument(text: string | undefined): SubscriptionDocument {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as SubscriptionDocument) : {};
  } catch {
    return {};
  }
}

function actionsOf(statement: PolicyStatement): string[] {
  return values(statement.Action);
}

function values(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

// `111111111111` or `arn:aws:iam::111111111111:root`.
function accountOf(principal: string): string {
  const arn = /^arn:[^:]+:iam::(\d{12}):root$/.exec(principal);
  return arn ? (arn[1] as string) : principal;
}

function push(
  ctx: Ctx,
  target: string,
  check: CheckResult['check'],
  status: CheckStatus,
  message: readonly string[],
  fix: readonly string[] = [],
): void {
  ctx.results.push({ target, check, status, message: message.join(' '), fix });
}

// A denied read is reported as a warning naming the call's error, not thrown: the other checks
// still run. Any other error is thrown (the CLI turns it into one line).
async function guard<T>(
  ctx: Ctx,
  target: string,
  check: CheckResult['check'],
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
    push(ctx, target, check, 'warning', [
      `cannot check with these credentials: ${e.name}: ${(e.message ?? '').replace(/\s+/g, ' ').trim()}`,
    ]);
    return undefined;
  }
}

async function loadSdks() {
  const [logs, kinesis, lambda] = await Promise.all([
    import('@aws-sdk/client-cloudwatch-logs'),
    import('@aws-sdk/client-kinesis'),
    import('@aws-sdk/client-lambda'),
  ]);
  return { logs, kinesis, lambda };
}
