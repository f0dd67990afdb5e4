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
 * Validates a decoded subscription payload (`messageType`, `owner`, `logGroup`, `logStream`,
 * `subscriptionFilters`, `logEvents[{id,timestamp,message}]`, optional `policyLevel`) once, at the
 * boundary, with a hand-written guard (cheaper than a schema library on the hot path). Returns
 * null for CONTROL_MESSAGE.
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
  const events: LogEvent[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const item: unknown = raw[i];
    if (typeof item !== 'object' || item === null) fail(`logEvents[${i}] is not an object`);
    const event = item as Record<string, unknown>;
    const message = event.message;
    if (typeof message !== 'string') fail(`logEvents[${i}].message is not a string`);
    const id = event.id;
    if (id !== undefined && id !== null && typeof id !== 'string' && typeof id !== 'number') {
      fail(`logEvents[${i}].id is not a string`);
    }
    const timestamp = event.timestamp;
    if (
      typeof id === 'string' &&
      id !== '' &&
      typeof timestamp === 'number' &&
      Number.isFinite(timestamp)
    ) {
      // already a LogEvent: reuse the parsed object instead of copying every event
      events[i] = item as LogEvent;
      continue;
    }
    events[i] = {
      id: id === undefined || id === null || id === '' ? null : String(id),
      timestamp: readTimestamp(timestamp, `logEvents[${i}].timestamp`),
      message,
    };
  }
  return {
    format,
    owner: optionalString(record.owner, 'owner'),
    logGroup: optionalString(record.logGroup, 'logGroup'),
    logStream: optionalString(record.logStream, 'logStream'),
    policyLevel: optionalString(record.policyLevel, 'policyLevel'),
    events,
  };
}
