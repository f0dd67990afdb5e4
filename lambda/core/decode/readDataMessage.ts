import { InvalidPayloadError } from '../errors';
import type { InputFormat, LogBatch, LogEvent } from '../types';

function fail(message: string): never {
  throw new InvalidPayloadError('bad-shape', message);
}

function optionalString(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') fail(`${field} must be a string`);
  return value;
}

/** Reads an event timestamp: epoch ms as a number or a numeric string (some forwarders). */
export function readTimestamp(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  const time = typeof value === 'string' && value !== '' ? Number(value) : value;
  if (typeof time !== 'number' || !Number.isFinite(time))
    fail(`${field} must be epoch milliseconds`);
  return time;
}

/**
 * One event of a DATA_MESSAGE, or null when it is malformed (not an object, a message that is not a
 * string, an id or timestamp of the wrong type): one such event is skipped and counted, it never
 * costs the rest of its delivery.
 */
function readEvent(item: unknown): LogEvent | null {
  if (typeof item !== 'object' || item === null) return null;
  const event = item as Record<string, unknown>;
  const message = event.message;
  if (typeof message !== 'string') return null;
  const id = event.id;
  const timestamp = event.timestamp;
  if (
    typeof id === 'string' &&
    id !== '' &&
    typeof timestamp === 'number' &&
    Number.isFinite(timestamp)
  ) {
    // already a LogEvent: reuse the parsed object instead of copying every event
    return item as LogEvent;
  }
  if (id !== undefined && id !== null && typeof id !== 'string' && typeof id !== 'number')
    return null;
  const time =
    timestamp === undefined || timestamp === null
      ? null
      : typeof timestamp === 'string' && timestamp !== ''
        ? Number(timestamp)
        : timestamp;
  if (time !== null && (typeof time !== 'number' || !Number.isFinite(time))) return null;
  return {
    id: id === undefined || id === null || id === '' ? null : String(id),
    timestamp: time,
    message,
  };
}

/**
 * Validates a decoded subscription payload (`messageType`, `owner`, `logGroup`, `logStream`,
 * `subscriptionFilters`, `logEvents[{id,timestamp,message}]`, optional `policyLevel`) once, at the
 * boundary, with a hand-written guard (cheaper than a schema library on the hot path). Returns
 * null for CONTROL_MESSAGE. A payload of the wrong shape throws; a malformed event inside a good
 * payload is skipped and counted in the batch's `malformed`.
 */
export function readDataMessage(payload: unknown, format: InputFormat): LogBatch | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    fail('payload is not a JSON object');
  }
  const record = payload as Record<string, unknown>;
  if (record.messageType === 'CONTROL_MESSAGE') return null;
  if (record.messageType !== 'DATA_MESSAGE')
    fail('messageType is not DATA_MESSAGE or CONTROL_MESSAGE');
  const raw = record.logEvents;
  if (!Array.isArray(raw)) fail('logEvents is not an array');
  const events: LogEvent[] = [];
  let malformed = 0;
  for (let i = 0; i < raw.length; i++) {
    const item: unknown = raw[i];
    const event = readEvent(item);
    if (event === null) malformed++;
    else events.push(event);
  }
  return {
    format,
    owner: optionalString(record.owner, 'owner'),
    logGroup: optionalString(record.logGroup, 'logGroup'),
    logStream: optionalString(record.logStream, 'logStream'),
    policyLevel: optionalString(record.policyLevel, 'policyLevel'),
    events,
    ...(malformed > 0 ? { malformed } : {}),
  };
}
