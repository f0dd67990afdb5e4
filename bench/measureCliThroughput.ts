import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readInput } from '../bin/cli/readInput';
import { StreamingAnalysis, type StreamingResult } from '../lambda/core/diagnose/StreamingAnalysis';
import { buildPayload, type PayloadKind, textLog } from './buildPayload';
import { type MethodTiming, methodTiming } from './measureThroughput';
import { median } from './median';
import { type RoundOptions, timeRounds } from './timeRounds';

/**
 * The forms of input the CLI path is timed on: `delivery`, the subscription event Lambda receives
 * (`{"awslogs":{"data":...}}`) saved to a file; `text`, the same log as plain lines.
 */
export const CLI_FORMS = ['delivery', 'text'] as const;

/** One of {@link CLI_FORMS}. */
export type CliForm = (typeof CLI_FORMS)[number];

/** The CLI path and the floor of the form, timed side by side. */
export const CLI_METHODS = ['cli', 'floor'] as const;

/** One of {@link CLI_METHODS}. */
export type CliMethod = (typeof CLI_METHODS)[number];

/** How long and how often to measure. */
export interface CliThroughputOptions extends RoundOptions {
  /** Size of the delivery's uncompressed DATA_MESSAGE, and of the text log (bytes). */
  readonly targetBytes: number;
}

/** Results for one payload kind in one form. */
export interface CliThroughputResult {
  readonly kind: PayloadKind;
  readonly form: CliForm;
  /** Bytes of the file read. */
  readonly fileBytes: number;
  /** Bytes the rates count: a delivery's uncompressed DATA_MESSAGE, the text itself. */
  readonly bytes: number;
  /** Events the CLI path analysed (log events, or the messages the text's lines hold). */
  readonly events: number;
  readonly diagnoses: number;
  readonly methods: Readonly<Record<CliMethod, MethodTiming>>;
  /** Median over rounds of cli / floor, both timed in the same round. */
  readonly cliOverFloor: number;
}

/**
 * The CLI path, as `diagnose` and `replay` read a FILE: readInput streams it (64 KiB reads, gunzip
 * when it is gzip, the incremental decoder) batch by batch into the windowed StreamingAnalysis.
 */
export async function analyseFile(file: string): Promise<StreamingResult> {
  const analysis = new StreamingAnalysis();
  await readInput(file, (batch) => analysis.push(batch, 0));
  return analysis.finish();
}

/**
 * The floor of each form: what any reader of that file must do to get its events. A delivery: read
 * the file, JSON.parse the event, base64-decode, gunzip and JSON.parse the DATA_MESSAGE (the
 * handler's floor with the file read added). Text: read the file, decode UTF-8, split the lines.
 */
const FLOORS: Readonly<Record<CliForm, (file: string) => number>> = {
  delivery: (file) => {
    const event = JSON.parse(readFileSync(file, 'utf8')) as { awslogs: { data: string } };
    const bytes = gunzipSync(Buffer.from(event.awslogs.data, 'base64'));
    return (JSON.parse(bytes.toString('utf8')) as { logEvents: unknown[] }).logEvents.length;
  },
  text: (file) => readFileSync(file).toString('utf8').split('\n').length - 1,
};

interface Input {
  readonly file: string;
  readonly fileBytes: number;
  readonly bytes: number;
  /** Events or lines the floor must find. */
  readonly units: number;
}

function writeInput(dir: string, kind: PayloadKind, form: CliForm, targetBytes: number): Input {
  if (form === 'delivery') {
    const payload = buildPayload(kind, { targetBytes });
    const file = join(dir, `${kind}.json`);
    writeFileSync(file, JSON.stringify(payload.event));
    const fileBytes = Buffer.byteLength(JSON.stringify(payload.event));
    return { file, fileBytes, bytes: payload.dataMessageBytes, units: payload.events };
  }
  const file = join(dir, `${kind}.log`);
  const log = textLog(kind, { targetBytes });
  const chunks: string[] = [];
  for (let next = log.next(); ; next = log.next()) {
    if (next.done === true) {
      writeFileSync(file, chunks.join(''));
      return {
        file,
        fileBytes: next.value.bytes,
        bytes: next.value.bytes,
        units: next.value.lines,
      };
    }
    chunks.push(next.value);
  }
}

/**
 * Times the CLI path against the floor of the same file, for each form, interleaved in rounds as
 * measureThroughput does. Checks first that both read every event and that the CLI path diagnoses
 * the same number of distinct problems in both forms.
 */
export async function measureCliThroughput(
  kind: PayloadKind,
  options: CliThroughputOptions,
): Promise<CliThroughputResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'invoke-doctor-bench-cli-'));
  try {
    const results: CliThroughputResult[] = [];
    let deliveryDiagnoses: number | null = null;
    for (const form of CLI_FORMS) {
      const input = writeInput(dir, kind, form, options.targetBytes);
      const floor = FLOORS[form];
      const found = floor(input.file);
      if (found !== input.units) {
        throw new Error(`${form} floor of ${kind} found ${found} of ${input.units}`);
      }
      const check = await analyseFile(input.file);
      if (form === 'delivery' && check.eventsScanned !== input.units) {
        throw new Error(`cli path read ${check.eventsScanned} of ${input.units} events of ${kind}`);
      }
      deliveryDiagnoses ??= check.diagnoses.length;
      if (check.diagnoses.length === 0 || check.diagnoses.length !== deliveryDiagnoses) {
        throw new Error(
          `cli path found ${check.diagnoses.length} problems in ${kind} as ${form}, ${deliveryDiagnoses} as a delivery`,
        );
      }
      const rounds = await timeRounds(
        CLI_METHODS,
        { cli: () => analyseFile(input.file), floor: async () => floor(input.file) },
        options,
      );
      results.push({
        kind,
        form,
        fileBytes: input.fileBytes,
        bytes: input.bytes,
        events: check.eventsScanned,
        diagnoses: check.diagnoses.length,
        methods: {
          cli: methodTiming(rounds, 'cli', check.eventsScanned, input.bytes),
          floor: methodTiming(rounds, 'floor', check.eventsScanned, input.bytes),
        },
        cliOverFloor: median(rounds.map((round) => round.cli.p50 / round.floor.p50)),
      });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
