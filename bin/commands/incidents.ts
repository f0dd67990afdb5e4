import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { AWS_FORMATS } from '../../lambda/core/awsFormats';
import { ConfigError, InvokeDoctorError } from '../../lambda/core/errors';
import { callerTrust, type GrantTrust, withOwner } from '../../lambda/core/fixes/callerTrust';
import { renderFixes } from '../../lambda/core/fixes/renderFixes';
import type { IncidentRecord } from '../../lambda/core/incidents/IncidentRecord';
import type { Incident, IncidentStatus } from '../../lambda/core/incidents/incident';
import { parseIncidentId } from '../../lambda/core/incidents/incidentId';
import { toIncident } from '../../lambda/core/incidents/toIncident';
import type { IncidentQuery, IncidentRepository } from '../../lambda/core/ports/IncidentRepository';
import { shellWord } from '../../lambda/core/render/alertContent';
import { terminalJson } from '../../lambda/core/render/sanitize';
import { awsAdvice } from '../cli/awsAdvice';
import { type AwsOptions, awsClientConfig } from '../cli/awsClientConfig';
import { parseSince } from '../cli/parseSince';
import { runAction } from '../cli/runAction';
import { safeStdout } from '../cli/safeStdout';
import { type TrustFlags, trustFromFlags, trustGiven, trustOptions } from '../cli/trustOptions';
import { renderIncidentDetail } from '../render/renderIncidentDetail';
import { renderIncidentTable } from '../render/renderIncidentTable';

/** Stack name `npx cdk deploy` uses (bin/app.ts). */
export const DEFAULT_STACK_NAME = 'InvokeDoctor';

/** Where the history comes from. */
interface SourceOptions extends AwsOptions {
  readonly table?: string;
  readonly stack?: string;
  readonly store?: string;
  readonly local?: boolean;
}

/** Options of `invoke-doctor incidents`. */
interface ListOptions extends SourceOptions {
  readonly since?: string;
  readonly status?: string;
  readonly function?: string;
  readonly account?: string;
  readonly limit?: string;
  readonly json?: boolean;
}

/** Options of `invoke-doctor incidents show`. */
interface ShowOptions extends SourceOptions, TrustFlags {
  readonly json?: boolean;
  readonly verify?: boolean;
}

const STATUSES: readonly IncidentStatus[] = ['open', 'resolved'];
const MAX_LIMIT = 1000;

const SOURCE_HELP = `
Where the history comes from:
  --table NAME / --stack NAME   the deployed table (default stack: ${DEFAULT_STACK_NAME}), with your AWS credentials
  --local / --store DIR         the local store written by \`invoke-doctor replay\` (default .invoke-doctor)
  neither                       the local store if ./.invoke-doctor exists, else the deployed stack ${DEFAULT_STACK_NAME}`;

/**
 * `invoke-doctor incidents`: incident history as a table (or JSON Lines), newest first, from the
 * deployed table or the local store; `incidents show ID` prints one incident in full.
 */
export function incidentsCommand(): Command {
  const command = withSourceOptions(new Command('incidents'))
    .description(
      'List incidents (newest first) from the deployed table or the local replay store, with an hourly sparkline per incident',
    )
    .option(
      '--since <WHEN>',
      'only incidents seen since: a duration (30m, 12h, 7d, 2w) or an ISO date',
    )
    .option('--status <STATUS>', 'only open or resolved incidents')
    .option('--function <NAME>', 'only incidents about this function (name or ARN)')
    .option(
      '--account <ID>',
      'only incidents in this AWS account (the central stack of an organisation: --stack InvokeDoctorCentral)',
    )
    .option('--limit <N>', `at most N incidents (1-${MAX_LIMIT})`, '100')
    .option('--json', 'print JSON Lines, one incident per line')
    .addHelpText('after', SOURCE_HELP)
    .action(runAction(async (options: ListOptions) => list(options)));
  command.addCommand(
    trustOptions(withSourceOptions(new Command('show')))
      .description(
        'Show one incident in full: diagnosis, fixes, timing, previous episode (with --trust-account, the fixes re-rendered for a caller you confirmed)',
      )
      .argument('<ID>', 'incident id as listed (the short form works while it is unambiguous)')
      .option('--json', 'print the incident as one JSON object')
      .option(
        '--verify',
        'check the diagnosis against the live account now (read-only AWS calls; the stored verdict is not changed)',
      )
      .addHelpText('after', SOURCE_HELP)
      .action(
        runAction(async (id: string, _options: ShowOptions, cmd: Command) =>
          show(id, cmd.optsWithGlobals<ShowOptions>()),
        ),
      ),
  );
  return command;
}

function withSourceOptions(command: Command): Command {
  return command
    .option('--table <NAME>', 'read this DynamoDB table (deployed stack output IncidentsTableName)')
    .option(
      '--stack <NAME>',
      `find the table in this stack's outputs (default ${DEFAULT_STACK_NAME})`,
    )
    .option(
      '--region <REGION>',
      'AWS Region of the table or stack (default: AWS_REGION or your profile)',
    )
    .option(
      '--profile <NAME>',
      'AWS profile for the table and --verify (default: AWS_PROFILE or the default profile)',
    )
    .option('--local', 'read the local store written by `invoke-doctor replay`')
    .option('--store <DIR>', 'local store directory (implies --local)');
}

async function list(options: ListOptions): Promise<void> {
  // Flags are checked before anything is opened: a typo costs no AWS call.
  const query = toQuery(options);
  const source = await openSource(options);
  let records: IncidentRecord[];
  try {
    records = await source.call(() => source.repository.listIncidents(query));
  } finally {
    await source.close();
  }
  const incidents = records.map(toIncident);
  if (options.json) {
    for (const incident of incidents) safeStdout().write(`${terminalJson(incident)}\n`);
    return;
  }
  const width = process.stdout.isTTY ? process.stdout.columns : undefined;
  const table = renderIncidentTable(incidents, {
    ...(width !== undefined ? { width } : {}),
    showCommand: `npx invoke-doctor incidents show ID${sourceFlags(options)}`,
  });
  safeStdout().write(`Incidents in ${source.label}\n\n${table}`);
}

async function show(id: string, options: ShowOptions): Promise<void> {
  const wanted = parseWantedId(id);
  awsClientConfig(options);
  const trust = trustGiven(options) ? trustFromFlags(options) : null;
  const source = await openSource(options);
  let incident: Incident;
  try {
    incident = await source.call(() => findIncident(source.repository, wanted, id, source.label));
  } finally {
    await source.close();
  }
  if (trust !== null) incident = retrusted(incident, trust);
  if (options.verify) {
    const { verifyDiagnoses } =
      require('../cli/verifyDiagnoses') as typeof import('../cli/verifyDiagnoses');
    const [diagnosis] = await verifyDiagnoses([incident.diagnosis], {
      ...options,
      ...(trust === null ? {} : { trust }),
    });
    if (diagnosis) incident = { ...incident, diagnosis };
  }
  safeStdout().write(
    options.json
      ? `${terminalJson(incident)}\n`
      : renderIncidentDetail(incident, sourceFlags(options)),
  );
}

/**
 * The incident with its fixes rendered again from its stored facts, trusting `trust` as well as the
 * function's account and the log group's owner: how a person who confirmed an unconfirmed caller
 * gets the runnable command.
 */
function retrusted(incident: Incident, trust: GrantTrust): Incident {
  const d = incident.diagnosis;
  const full = withOwner(trust, d.logOwner);
  return {
    ...incident,
    diagnosis: { ...d, fixes: renderFixes(d, full), callerTrust: callerTrust(d, full) },
  };
}

/** The source options given, as flags for a follow-up command that reads the same history. */
function sourceFlags(options: SourceOptions): string {
  const flags: string[] = [];
  if (options.store !== undefined) flags.push('--store', shellWord(options.store));
  else if (options.local) flags.push('--local');
  if (options.table !== undefined) flags.push('--table', shellWord(options.table));
  if (options.stack !== undefined) flags.push('--stack', shellWord(options.stack));
  if (options.region !== undefined) flags.push('--region', shellWord(options.region));
  if (options.profile !== undefined) flags.push('--profile', shellWord(options.profile));
  return flags.length === 0 ? '' : ` ${flags.join(' ')}`;
}

function toQuery(options: ListOptions): IncidentQuery {
  const status = options.status?.trim().toLowerCase();
  if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
    throw new ConfigError(
      '--status',
      `expected open or resolved, got ${JSON.stringify(options.status)}`,
    );
  }
  const limit = Number(options.limit ?? '100');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new ConfigError(
      '--limit',
      `expected a whole number from 1 to ${MAX_LIMIT}, got ${JSON.stringify(options.limit)}`,
    );
  }
  return {
    limit,
    ...(options.since !== undefined ? { since: parseSince(options.since, Date.now()) } : {}),
    ...(status !== undefined ? { status: status as IncidentStatus } : {}),
    ...(options.function !== undefined ? { functionName: functionName(options.function) } : {}),
    ...(options.account !== undefined ? { account: accountId(options.account) } : {}),
  };
}

/** A 12-digit account id, as the central responder keys incidents by it. */
function accountId(value: string): string {
  const id = value.trim();
  if (!AWS_FORMATS.accountId.test(id)) {
    throw new ConfigError(
      '--account',
      `expected a 12-digit AWS account id, got ${JSON.stringify(value)}`,
    );
  }
  return id;
}

/** A function name, also from an ARN (`arn:aws:lambda:region:account:function:name[:qualifier]`). */
function functionName(value: string): string {
  const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(value.trim());
  const name = arn ? (arn[1] as string) : value.trim();
  if (!/^[A-Za-z0-9_-]{1,140}$/.test(name)) {
    throw new ConfigError(
      '--function',
      `not a Lambda function name or ARN: ${JSON.stringify(value)}`,
    );
  }
  return name;
}

/** The id as given: complete, or a fingerprint prefix with or without the episode. */
type WantedId =
  | { readonly kind: 'exact'; readonly id: string }
  | { readonly kind: 'prefix'; readonly prefix: string; readonly episode: number | null };

const FINGERPRINT_LENGTH = 32;

function parseWantedId(value: string): WantedId {
  const id = value.trim().toLowerCase();
  const parsed = parseIncidentId(id);
  if (parsed && parsed.fingerprint.length === FINGERPRINT_LENGTH) return { kind: 'exact', id };
  const short = /^([0-9a-f]{4,32})(?:-([1-9][0-9]{0,8}))?$/.exec(id);
  if (short) {
    return {
      kind: 'prefix',
      prefix: short[1] as string,
      episode: short[2] === undefined ? null : Number(short[2]),
    };
  }
  throw new ConfigError(
    'ID',
    `${JSON.stringify(value)} is not an incident id (the ID column of \`invoke-doctor incidents\`, e.g. 3f2a9c1b7d-1)`,
  );
}

async function findIncident(
  repository: IncidentRepository,
  wanted: WantedId,
  given: string,
  label: string,
): Promise<Incident> {
  if (wanted.kind === 'exact') {
    const record = await repository.getIncident(wanted.id);
    if (!record) throw new InvokeDoctorError(`no incident ${given} in ${label}`);
    return toIncident(record);
  }
  const matches = (await repository.listIncidents({ limit: MAX_LIMIT })).filter(
    (r) =>
      r.fingerprint.startsWith(wanted.prefix) &&
      (wanted.episode === null || r.episode === wanted.episode),
  );
  const [first, ...rest] = matches;
  if (!first) throw new InvokeDoctorError(`no incident ${given} in ${label}`);
  if (rest.length > 0) {
    const ids = matches
      .slice(0, 5)
      .map((r) => r.id)
      .join(', ');
    throw new ConfigError(
      'ID',
      `${given} matches ${matches.length} incidents (${ids}): give more of the id`,
    );
  }
  // Listed items come from the index; read the item itself for the latest state.
  return toIncident((await repository.getIncident(first.id)) ?? first);
}

/** An opened history source. */
interface Source {
  readonly repository: IncidentRepository;
  /** `the local store .invoke-doctor` / `table X (us-east-1)`. */
  readonly label: string;
  /** Runs a repository call, turning AWS errors into one-line advice. */
  call<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

async function openSource(options: SourceOptions): Promise<Source> {
  const aws = options.table !== undefined || options.stack !== undefined;
  const local = options.local === true || options.store !== undefined;
  if (aws && local) {
    throw new ConfigError(
      '--local',
      'choose one source: --table/--stack (deployed) or --local/--store (local replay store)',
    );
  }
  // Loaded here: the SDK and dynalite cost time that `--help` should not pay.
  const { DynamoDbIncidentRepository } =
    require('../../lambda/adapters/DynamoDbIncidentRepository') as typeof import('../../lambda/adapters/DynamoDbIncidentRepository');
  if (local || (!aws && existsSync(join('.invoke-doctor', 'dynalite')))) {
    const { localStore } = require('../replay/localStore') as typeof import('../replay/localStore');
    const store = await localStore({
      ...(options.store ? { dir: options.store } : {}),
      create: false,
    });
    return {
      repository: new DynamoDbIncidentRepository({
        client: store.client,
        tableName: store.tableName,
      }),
      label: `the local store ${options.store ?? '.invoke-doctor'}`,
      call: (fn) => fn(),
      close: () => store.close(),
    };
  }

  const { DynamoDBClient } =
    require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  const region = awsClientConfig(options);
  const client = new DynamoDBClient(region);
  const useLocal =
    options.table === undefined && options.stack === undefined ? ', or use --local' : '';
  const advise = (error: unknown, what: string) =>
    awsAdvice(error, what, useLocal, options.profile);
  let tableName = options.table;
  if (tableName === undefined) {
    const { CloudFormationClient } =
      require('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation');
    const { findTableName } =
      require('../cli/findTableName') as typeof import('../cli/findTableName');
    const cfn = new CloudFormationClient(region);
    const stack = options.stack ?? DEFAULT_STACK_NAME;
    try {
      tableName = await findTableName(cfn, stack);
    } catch (error) {
      client.destroy();
      throw advise(error, `stack ${stack}`);
    } finally {
      cfn.destroy();
    }
  }
  const table = tableName;
  const where = await client.config.region().catch(() => 'the default region');
  return {
    repository: new DynamoDbIncidentRepository({ client, tableName: table }),
    label: `table ${table} (${where})`,
    call: async (fn) => {
      try {
        return await fn();
      } catch (error) {
        throw advise(error, `table ${table}`);
      }
    },
    close: async () => client.destroy(),
  };
}
