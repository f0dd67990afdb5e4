import { isAscii } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { InvalidPayloadError } from '../errors';
import type { LogBatch } from '../types';
import { readDataMessage } from './readDataMessage';
import { stripEventEscapes } from './stripEventEscapes';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_WHITESPACE = /\s+/g;
// Bounds of the output-buffer hint read from the gzip trailer, which is untrusted input.
const MIN_CHUNK = 16 * 1024;
const MAX_CHUNK = 8 * 1024 * 1024;
/**
 * Most a subscription payload may expand to. A delivery is at most a few MB of JSON (CloudWatch
 * Logs batches are 1 MB); a gzip bomb stops here with a typed error instead of exhausting memory.
 */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
// How JSON writes ESC and the C1 controls: a payload without it (and without non-ASCII bytes, where
// a raw C1 control would be) holds no terminal escape sequence, and skips stripping altogether.
const ESCAPED_CONTROL = Buffer.from('\\u00');

/**
 * gunzip with one output buffer sized from the gzip trailer (ISIZE, the uncompressed size mod
 * 2^32) instead of zlib's default 16 KiB chunks concatenated at the end; the hint only sizes the
 * buffer, the output is the same whatever the trailer says.
 */
function gunzip(bytes: Uint8Array): Buffer {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = bytes.length >= 18 ? view.readUInt32LE(bytes.length - 4) : 0;
  return gunzipSync(bytes, {
    chunkSize: Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, size + 1)),
    maxOutputLength: MAX_PAYLOAD_BYTES,
  });
}

/** Parses gzip bytes holding a subscription payload (shared with decodeInput for raw gzip files). */
export function decodeGzipPayload(
  bytes: Uint8Array,
  format: 'awslogs' | 'data-message',
): LogBatch | null {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new InvalidPayloadError('not-gzip', 'awslogs.data is not gzip data');
  }
  let raw: Buffer;
  try {
    raw = gunzip(bytes);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InvalidPayloadError(
        'too-large',
        `gzip data expands beyond ${MAX_PAYLOAD_BYTES / 2 ** 20} MiB (the limit for one payload)`,
        { cause: error },
      );
    }
    throw new InvalidPayloadError('not-gzip', 'awslogs.data is corrupt gzip data', {
      cause: error,
    });
  }
  // V8's UTF-8 decoder is the slowest step of decoding a delivery (about 4 ms per MB on Node 20);
  // payloads are nearly always pure ASCII, for which Latin-1 decoding yields the identical string
  // at memory speed. Anything else takes the UTF-8 path.
  const ascii = isAscii(raw);
  const text = ascii ? raw.toString('latin1') : raw.toString('utf8');
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new InvalidPayloadError('not-json', 'awslogs.data does not hold JSON', { cause: error });
  }
  const batch = readDataMessage(payload, format);
  if (batch === null || (ascii && raw.indexOf(ESCAPED_CONTROL) === -1)) return batch;
  return stripEventEscapes(batch);
}

/**
 * Decodes `awslogs.data` of a CloudWatch Logs subscription event (base64 of gzip of a DATA_MESSAGE).
 * Returns null for CONTROL_MESSAGE; throws InvalidPayloadError (`bad-base64`, `not-gzip`, `not-json`,
 * `bad-shape`).
 */
export function decodeAwslogs(data: string): LogBatch | null {
  const compact =
    data.includes(' ') || data.includes('\n') ? data.replace(BASE64_WHITESPACE, '') : data;
  const bytes = Buffer.from(compact, 'base64');
  // Buffer skips characters that are not base64, so validate; but only when the bytes are not the
  // gzip we expect, which keeps the full-alphabet scan of a large payload off the hot path.
  const gzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (compact === '' || (!gzip && (compact.length % 4 === 1 || !BASE64.test(compact)))) {
    throw new InvalidPayloadError('bad-base64', 'awslogs.data is not base64');
  }
  return decodeGzipPayload(bytes, 'awslogs');
}
