import type { LogBatch } from '../types';
import { stripEscapes } from './stripEscapes';

/**
 * The batch with terminal escape sequences removed from its messages (the first step of
 * reconstruction, for events that arrive as JSON rather than as text). Events and batches without
 * any are returned as they are.
 */
export function stripEventEscapes(batch: LogBatch): LogBatch {
  let changed = false;
  const events = batch.events.map((event) => {
    const message = stripEscapes(event.message);
    if (message === event.message) return event;
    changed = true;
    return { ...event, message };
  });
  return changed ? { ...batch, events } : batch;
}
