import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { StreamDecoder, type StreamDecoderStats } from '../../lambda/core/decode/StreamDecoder';
import { InvalidPayloadError } from '../../lambda/core/errors';
import type { LogBatch } from '../../lambda/core/types';

/** Options of {@link readInput}. */
export interface ReadInputOptions {
  /** Log group of plain text and filter-log-events output. */
  readonly logGroup?: string | null;
  /** Prefix of stand-in event ids, unique per input of one run. */
  readonly idPrefix?: string;
}

/** What reading one input found besides its batches. */
export interface ReadInputResult extends StreamDecoderStats {
  /** The label used in messages (`stdin` or the file name). */
  readonly label: string;
  /** Bytes read (after gunzip). */
  readonly bytes: number;
}

/**
 * Read size. Every line is a slice of the chunk it was read in and keeps the whole chunk alive while
 * it is held (a window of the analysis holds thousands): small chunks keep that cost small, and
 * chunks under 1 MB stay inside the V8 heap instead of becoming external strings that only a full
 * garbage collection frees. With 1 MiB reads, peak memory kept growing with the input.
 */
const CHUNK_BYTES = 64 * 1024;
/** Bytes looked at to tell text from binary data. */
const SNIFF_BYTES = 64 * 1024;
/**
 * A gzip input may expand to any size at a log's compression ratio (10 to 20 times); past
 * GUNZIP_FLOOR it may not expand by more than GUNZIP_RATIO times what was read, which only a
 * gzip bomb does.
 */
export const GUNZIP_FLOOR = 256 * 1024 * 1024;
export const GUNZIP_RATIO = 200;

const MiB = 2 ** 20;

/** True when a buffer ends in the middle of a UTF-8 sequence. */
function endsMidSequence(bytes: Buffer): boolean {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back] as number;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    if (b < 0x80) return false;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return back < length;
  }
  return false;
}

/** Why the first bytes of an input are not log text, or null when they are. */
function notText(bytes: Buffer): string | null {
  const sample = bytes.subarray(0, SNIFF_BYTES);
  if (sample.includes(0)) return 'binary data (NUL bytes), not log text';
  if (isAscii(sample)) return null;
  const text = sample.toString('utf8');
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd || (c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27))
      bad++;
  }
  return bad > text.length / 10 ? 'binary data (not UTF-8 text)' : null;
}

/** The bytes of one input, gunzipped when they are gzip, as a stream of buffers. */
async function* bytesOf(file: string, label: string): AsyncGenerator<Buffer> {
  const stream =
    file === '-' ? process.stdin : createReadStream(file, { highWaterMark: CHUNK_BYTES });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let compressed = 0;
  try {
    const first = await chunks.next();
    if (first.done === true) return;
    const head = Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value);
    if (head.length < 2 || head[0] !== 0x1f || head[1] !== 0x8b) {
      yield head;
      for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
        yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      }
      return;
    }
    // gzip: the compressed bytes, counted, through a gunzip stream
    async function* compressedBytes(): AsyncGenerator<Buffer> {
      compressed += head.length;
      yield head;
      for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
        const bytes = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
        compressed += bytes.length;
        yield bytes;
      }
    }
    const gunzip = Readable.from(compressedBytes()).pipe(createGunzip({ chunkSize: 256 * 1024 }));
    let expanded = 0;
    try {
      for await (const out of gunzip) {
        expanded += (out as Buffer).length;
        if (expanded > Math.max(GUNZIP_FLOOR, GUNZIP_RATIO * compressed)) {
          throw new InvalidPayloadError(
            'too-large',
            `${label}: gzip data expands past ${GUNZIP_FLOOR / MiB} MiB at more than ${GUNZIP_RATIO} times its compressed size (the limit of a gzip input: a gzip bomb?)`,
          );
        }
        yield out as Buffer;
      }
    } finally {
      gunzip.destroy();
    }
  } catch (error) {
    if (error instanceof InvalidPayloadError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code.startsWith('Z_')) {
      throw new InvalidPayloadError('not-gzip', `${label} is corrupt gzip data`, { cause: error });
    }
    throw new InvalidPayloadError('unreadable', `cannot read ${label} (${code})`, { cause: error });
  } finally {
    if (file !== '-') (stream as ReturnType<typeof createReadStream>).destroy();
  }
}

/**
 * Reads one input (a file, or stdin for `-`) incrementally and yields its log batches as they are
 * decoded: gzip is gunzipped as a stream (bounded: GUNZIP_FLOOR, GUNZIP_RATIO), bytes are decoded
 * as UTF-8 (ASCII chunks as Latin-1, which is the same text and much faster), and the text goes
 * through StreamDecoder. Memory stays bounded whatever the input's size. Throws InvalidPayloadError
 * for an input that cannot be read, is empty, or is not text; batches yielded before the error
 * stand. Returns what was read.
 */
export async function* inputBatches(
  file: string,
  options: ReadInputOptions = {},
): AsyncGenerator<LogBatch, ReadInputResult> {
  const label = file === '-' ? 'stdin' : file;
  const ready: LogBatch[] = [];
  const decoder = new StreamDecoder((batch) => ready.push(batch), {
    logGroup: options.logGroup ?? null,
    ...(options.idPrefix !== undefined ? { idPrefix: options.idPrefix } : {}),
  });
  const utf8 = new TextDecoder('utf-8');
  let utf8Pending = false;
  let total = 0;
  let sniffed = false;
  let anyText = false;
  for await (const bytes of bytesOf(file, label)) {
    if (bytes.length === 0) continue;
    if (!sniffed) {
      sniffed = true;
      const why = notText(bytes);
      if (why !== null) throw new InvalidPayloadError('binary', `${label} is ${why}`);
    }
    total += bytes.length;
    let text: string;
    if (!utf8Pending && isAscii(bytes)) {
      text = bytes.toString('latin1');
    } else {
      text = utf8.decode(bytes, { stream: true });
      utf8Pending = endsMidSequence(bytes);
    }
    if (!anyText && text.trim() !== '') anyText = true;
    decoder.push(text);
    while (ready.length > 0) yield ready.shift() as LogBatch;
  }
  const rest = utf8.decode();
  if (rest !== '') decoder.push(rest);
  if (!anyText) {
    throw new InvalidPayloadError(
      'empty',
      file === '-'
        ? 'stdin is empty: nothing was read (pipe log text into it, or pass FILEs)'
        : `${label} is empty: nothing to read`,
    );
  }
  decoder.end();
  while (ready.length > 0) yield ready.shift() as LogBatch;
  return { label, bytes: total, ...decoder.stats };
}

/** {@link inputBatches} handing each batch to `onBatch`; returns what was read. */
export async function readInput(
  file: string,
  onBatch: (batch: LogBatch) => void,
  options: ReadInputOptions = {},
): Promise<ReadInputResult> {
  const batches = inputBatches(file, options);
  for (;;) {
    const next = await batches.next();
    if (next.done === true) return next.value;
    onBatch(next.value);
  }
}
