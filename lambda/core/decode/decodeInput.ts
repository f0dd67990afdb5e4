import { InvalidPayloadError } from '../errors';
import type { LogBatch, LogEvent } from '../types';
import { decodeAwslogs, decodeGzipPayload } from './decodeAwslogs';
import { readDataMessage, readTimestamp } from './readDataMessage';
import { splitText, type TextMessage } from './splitText';
import { stripEventEscapes } from './stripEventEscapes';

/** Options of {@link decodeInput}. */
export interface DecodeOptions {
  /** Log group of plain text / filter-log-events input (payloads carry their own). */
  readonly logGroup?: string | undefined;
}

const PAYLOAD_KEYS = ['"awslogs"', '"messageType"', '"logEvents"'] as const;
const BARE_AWSLOGS_DATA = /^H4sI[A-Za-z0-9+/=\s]*$/;

/**
 * Pasted text has no event ids: an event stands in with `line:<N>`, the line it starts on, which
 * every message reconstructed from that event shares (so counts stay exact).
 */
function textBatch(messages: readonly TextMessage[], options: DecodeOptions): LogBatch[] {
  if (messages.length === 0) return [];
  return [
    {
      format: 'text',
      owner: null,
      logGroup: options.logGroup ?? null,
      logStream: null,
      policyLevel: null,
      events: messages.map(({ message, line }) => ({
        id: `line:${line}`,
        timestamp: null,
        message,
      })),
    },
  ];
}

function fromFilterLogEvents(events: readonly unknown[], options: DecodeOptions): LogBatch[] {
  const byStream = new Map<string | null, LogEvent[]>();
  events.forEach((item, i) => {
    if (typeof item !== 'object' || item === null) {
      throw new InvalidPayloadError('bad-shape', `events[${i}] is not an object`);
    }
    const event = item as Record<string, unknown>;
    if (typeof event.message !== 'string') {
      throw new InvalidPayloadError('bad-shape', `events[${i}].message is not a string`);
    }
    const stream = typeof event.logStreamName === 'string' ? event.logStreamName : null;
    const id = typeof event.eventId === 'string' && event.eventId !== '' ? event.eventId : null;
    const list = byStream.get(stream) ?? [];
    list.push({
      id,
      timestamp: readTimestamp(event.timestamp, `events[${i}].timestamp`),
      message: event.message,
    });
    byStream.set(stream, list);
  });
  return [...byStream].map(([logStream, list]) => ({
    format: 'filter-log-events',
    owner: null,
    logGroup: options.logGroup ?? null,
    logStream,
    policyLevel: null,
    events: list,
  }));
}

function fromJson(value: unknown, text: string, options: DecodeOptions): LogBatch[] {
  if (Array.isArray(value)) {
    const payloads = value.length > 0 && value.every((item) => isPayload(item));
    if (payloads) return value.flatMap((item) => fromJson(item, '', options));
    return textBatch(splitText(text), options);
  }
  if (typeof value !== 'object' || value === null) return textBatch(splitText(text), options);
  const record = value as Record<string, unknown>;
  if ('awslogs' in record) {
    const envelope = record.awslogs;
    const data =
      typeof envelope === 'object' && envelope !== null
        ? (envelope as Record<string, unknown>).data
        : undefined;
    if (typeof data !== 'string') {
      throw new InvalidPayloadError('bad-shape', 'awslogs.data is missing or not a string');
    }
    const batch = decodeAwslogs(data);
    return batch === null ? [] : [batch];
  }
  if ('messageType' in record || 'logEvents' in record) {
    const batch = readDataMessage(record, 'data-message');
    return batch === null ? [] : [stripEventEscapes(batch)];
  }
  if (Array.isArray(record.events)) {
    return fromFilterLogEvents(record.events, options).map(stripEventEscapes);
  }
  // Any other JSON (a pretty-printed error record, a Step Functions failure, test-invoke-method's
  // answer): one pasted event, whose traces reconstruction expands
  return textBatch(splitText(text), options);
}

function isPayload(item: unknown): boolean {
  return typeof item === 'object' && item !== null && ('awslogs' in item || 'messageType' in item);
}

function decodeText(input: string, options: DecodeOptions): LogBatch[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const first = trimmed.charCodeAt(0);
  if (first === 123 /* { */ || first === 91 /* [ */) {
    let value: unknown;
    let parsed = false;
    try {
      value = JSON.parse(trimmed);
      parsed = true;
    } catch (error) {
      const head = trimmed.slice(0, 400);
      if (PAYLOAD_KEYS.some((key) => head.includes(key)) && !trimmed.includes('\n{')) {
        throw new InvalidPayloadError(
          'not-json',
          'input looks like a JSON payload but does not parse',
          {
            cause: error,
          },
        );
      }
    }
    if (parsed) return fromJson(value, trimmed, options);
  } else if (first === 72 /* H */ && BARE_AWSLOGS_DATA.test(trimmed)) {
    // the bare `awslogs.data` string, copied out of a subscription event
    const batch = decodeAwslogs(trimmed);
    return batch === null ? [] : [batch];
  }
  return textBatch(splitText(text), options);
}

/**
 * Decodes any supported input into log batches, detecting the format: a subscription event
 * (`{"awslogs":{"data":...}}`), a decoded DATA_MESSAGE, `aws logs filter-log-events` output, raw
 * gzip bytes of a payload, or plain text (one event per line). CONTROL_MESSAGE yields [].
 * Throws InvalidPayloadError (`bad-base64`, `not-gzip`, `not-json`, `bad-shape`) and nothing else.
 */
export function decodeInput(raw: string | Uint8Array, options: DecodeOptions = {}): LogBatch[] {
  try {
    if (typeof raw !== 'string') {
      if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
        const batch = decodeGzipPayload(raw, 'data-message');
        return batch === null ? [] : [batch];
      }
      return decodeText(new TextDecoder('utf-8').decode(raw), options);
    }
    return decodeText(raw, options);
  } catch (error) {
    if (error instanceof InvalidPayloadError) throw error;
    // e.g. a RangeError from an absurdly deep JSON value: still a typed, one-line error
    throw new InvalidPayloadError('bad-shape', `input cannot be decoded: ${String(error)}`, {
      cause: error,
    });
  }
}
