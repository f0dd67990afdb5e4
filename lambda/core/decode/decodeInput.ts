import { gunzipSync } from 'node:zlib';
import { InvalidPayloadError } from '../errors';
import type { LogBatch } from '../types';
import { MAX_PAYLOAD_BYTES } from './decodeAwslogs';
import { StreamDecoder } from './StreamDecoder';

/** Options of {@link decodeInput}. */
export interface DecodeOptions {
  /** Log group of plain text / filter-log-events input (payloads carry their own). */
  readonly logGroup?: string | undefined;
}

/** gunzip bounded by the payload limit: a gzip bomb is a typed error, never an out-of-memory. */
function gunzip(bytes: Uint8Array): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_PAYLOAD_BYTES });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InvalidPayloadError(
        'too-large',
        `gzip data expands beyond ${MAX_PAYLOAD_BYTES / 2 ** 20} MiB (the limit for one payload)`,
        { cause: error },
      );
    }
    throw new InvalidPayloadError('not-gzip', 'the input is corrupt gzip data', { cause: error });
  }
}

/**
 * Decodes one whole input held in memory into log batches, detecting the format as StreamDecoder
 * does (it is StreamDecoder over one chunk): a subscription event (`{"awslogs":{"data":...}}`), a
 * decoded DATA_MESSAGE, arrays or JSON Lines of those, `aws logs filter-log-events` output, raw
 * gzip bytes of any of them, the bare `awslogs.data` string, or plain text (one event per line,
 * reconstructed). CONTROL_MESSAGE yields []. Throws InvalidPayloadError and nothing else.
 */
export function decodeInput(raw: string | Uint8Array, options: DecodeOptions = {}): LogBatch[] {
  try {
    let text: string;
    if (typeof raw === 'string') {
      text = raw;
    } else {
      const bytes = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b ? gunzip(raw) : raw;
      text = new TextDecoder('utf-8').decode(bytes);
    }
    const batches: LogBatch[] = [];
    const decoder = new StreamDecoder((batch) => batches.push(batch), {
      logGroup: options.logGroup ?? null,
      batchEvents: Number.POSITIVE_INFINITY,
    });
    decoder.push(text);
    decoder.end();
    return batches;
  } catch (error) {
    if (error instanceof InvalidPayloadError) throw error;
    // e.g. a RangeError from an absurdly deep JSON value: still a typed, one-line error
    throw new InvalidPayloadError('bad-shape', `input cannot be decoded: ${String(error)}`, {
      cause: error,
    });
  }
}
