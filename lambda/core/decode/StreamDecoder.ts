import { InvalidPayloadError } from '../errors';
import type { InputFormat, LogBatch, LogEvent } from '../types';
import { decodeAwslogs } from './decodeAwslogs';
import { JsonStreamSplitter } from './JsonStreamSplitter';
import { MAX_MESSAGE_CHARS, MessageReconstructor } from './MessageReconstructor';
import { readDataMessage, readTimestamp } from './readDataMessage';
import { splitText } from './splitText';
import { stripEventEscapes } from './stripEventEscapes';

/** Options of {@link StreamDecoder}. */
export interface StreamDecoderOptions {
  /** Log group of plain text and `filter-log-events` output (payloads carry their own). */
  readonly logGroup?: string | null;
  /**
   * Prefix of the stand-in ids of events that have none (`line:<N>` for text, `event:<N>` for
   * JSON events without `eventId`), so that several inputs never share one.
   */
  readonly idPrefix?: string;
  /** Events per emitted batch of text or streamed events (default 2,048). */
  readonly batchEvents?: number;
}

/** What was cut while reading, for the note at the end of a run. */
export interface StreamDecoderStats {
  /** Lines longer than MAX_LINE_CHARS, cut to that length. */
  readonly longLines: number;
}

/**
 * Longest line read: a CloudWatch Logs event is at most 1 MB, so a longer line is not one log
 * message; its first MAX_LINE_CHARS characters are read and the rest is skipped (and counted).
 */
export const MAX_LINE_CHARS = 1024 * 1024;

type Mode = 'start' | 'text' | 'json' | 'base64';

const BASE64_TEXT = /^[A-Za-z0-9+/=\s]*$/;
/** Characters read before the format is decided. */
const DETECT_CHARS = 1024;
/**
 * JSON starts with `{` then a key or `}`, or with `[` then a value: `[ERROR] ...` (Python's log
 * lines) and `{timestamp} ...` are text.
 */
const JSON_START = /^(?:\{\s*["}]|\[\s*(?:[{["\]]|true|false|null))/;
/** Keys of a subscription payload, in the first characters of a JSON value. */
const PAYLOAD_KEYS = ['"awslogs"', '"messageType"', '"logEvents"'] as const;

function looksLikePayload(text: string): boolean {
  const head = text.slice(0, 400);
  return PAYLOAD_KEYS.some((key) => head.includes(key));
}

/**
 * Decodes an input of any size incrementally into log batches, detecting its format from its first
 * characters as decodeInput does: a JSON value (a subscription event, a DATA_MESSAGE, arrays of
 * them, `aws logs filter-log-events` output, JSON Lines of those) read value by value and event by
 * event through JsonStreamSplitter; the bare `awslogs.data` string; or plain text read line by
 * line through the reconstruction stage. Emits batches of at most `batchEvents` events (payloads
 * whole); holds at most one line, one JSON value or one payload at a time.
 */
export class StreamDecoder {
  readonly #emit: (batch: LogBatch) => void;
  readonly #logGroup: string | null;
  readonly #prefix: string;
  readonly #batchEvents: number;
  #mode: Mode = 'start';
  #head = '';
  // text
  #partial = '';
  #skipping = false;
  #line = 0;
  #longLines = 0;
  #text: LogEvent[] = [];
  readonly #reconstructor: MessageReconstructor;
  // JSON
  readonly #splitter: JsonStreamSplitter;
  #values = 0;
  #jsonEvents = 0;
  #streamed: LogEvent[] = [];
  #streamedStream: string | null = null;
  // base64
  #base64 = '';

  constructor(emit: (batch: LogBatch) => void, options: StreamDecoderOptions = {}) {
    this.#emit = emit;
    this.#logGroup = options.logGroup ?? null;
    this.#prefix = options.idPrefix ?? '';
    this.#batchEvents = options.batchEvents ?? 2048;
    this.#reconstructor = new MessageReconstructor((message, line) => {
      this.#text.push({ id: `${this.#prefix}line:${line}`, timestamp: null, message });
      if (this.#text.length >= this.#batchEvents) this.#flushText();
    });
    this.#splitter = new JsonStreamSplitter({
      value: (text) => this.#value(text),
      element: (text, header) => this.#element(text, header),
      text: (text) => this.#pushText(text),
    });
  }

  /** Reads the next chunk of the input's text. */
  push(chunk: string): void {
    if (chunk === '') return;
    switch (this.#mode) {
      case 'start':
        this.#start(chunk);
        return;
      case 'text':
        this.#pushText(chunk);
        return;
      case 'json':
        this.#splitter.push(chunk);
        return;
      case 'base64':
        this.#pushBase64(chunk);
        return;
    }
  }

  /** The input ended: emits what is still held. */
  end(): void {
    if (this.#mode === 'start') {
      // shorter than the detection needs: decide on what there is
      const head = this.#head;
      this.#head = '';
      if (head.trim() === '') return;
      this.#decide(head);
    }
    if (this.#mode === 'json') {
      // a value the input cut off: a payload cannot be read, anything else is read as text
      const rest = this.#splitter.end();
      if (rest !== '') {
        if (looksLikePayload(rest)) {
          throw new InvalidPayloadError(
            'not-json',
            'input looks like a JSON payload but does not parse',
          );
        }
        this.#pushText(rest);
      }
    }
    if (this.#mode === 'base64') this.#endBase64();
    if (this.#partial !== '' || this.#skipping) this.#line++;
    if (this.#partial !== '') this.#reconstructor.push(this.#partial, this.#line);
    this.#partial = '';
    this.#reconstructor.end();
    this.#flushText();
    this.#flushStreamed();
  }

  /** What was cut while reading. */
  get stats(): StreamDecoderStats {
    return { longLines: this.#longLines };
  }

  #start(chunk: string): void {
    this.#head += chunk;
    // enough to tell JSON (`{` and a key) and `H4sI` (gzip in base64) from text
    if (this.#head.length < DETECT_CHARS) return;
    const head = this.#head;
    this.#head = '';
    this.#decide(head);
  }

  #decide(head: string): void {
    const text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
    const trimmed = text.trimStart();
    if (JSON_START.test(trimmed)) {
      this.#mode = 'json';
      this.#splitter.push(text);
    } else if (trimmed.startsWith('H4sI') && BASE64_TEXT.test(trimmed)) {
      this.#mode = 'base64';
      this.#pushBase64(text);
    } else {
      this.#mode = 'text';
      this.#pushText(text);
    }
  }

  #pushText(chunk: string): void {
    let from = 0;
    for (;;) {
      const newline = chunk.indexOf('\n', from);
      if (newline === -1) break;
      this.#line++;
      if (this.#skipping) {
        this.#skipping = false;
      } else {
        const line =
          this.#partial === ''
            ? chunk.slice(from, newline)
            : this.#partial + chunk.slice(from, newline);
        this.#reconstructor.push(
          line.length > MAX_LINE_CHARS ? line.slice(0, MAX_LINE_CHARS) : line,
          this.#line,
        );
        if (line.length > MAX_LINE_CHARS) this.#longLines++;
      }
      this.#partial = '';
      from = newline + 1;
    }
    if (from >= chunk.length || this.#skipping) return;
    this.#partial += from === 0 ? chunk : chunk.slice(from);
    if (this.#partial.length > MAX_LINE_CHARS) {
      // a line past the limit: read its start, skip the rest up to the next line break
      this.#line++;
      this.#reconstructor.push(this.#partial.slice(0, MAX_LINE_CHARS), this.#line);
      this.#line--;
      this.#longLines++;
      this.#partial = '';
      this.#skipping = true;
    }
  }

  #flushText(): void {
    if (this.#text.length === 0) return;
    const events = this.#text;
    this.#text = [];
    this.#emit({
      format: 'text',
      owner: null,
      logGroup: this.#logGroup,
      logStream: null,
      policyLevel: null,
      events,
    });
  }

  #pushBase64(chunk: string): void {
    if (!BASE64_TEXT.test(chunk)) {
      // not the bare data string after all: it was text
      const text = this.#base64 + chunk;
      this.#base64 = '';
      this.#mode = 'text';
      this.#pushText(text);
      return;
    }
    this.#base64 += chunk;
    if (this.#base64.length > MAX_MESSAGE_CHARS * 128) {
      throw new InvalidPayloadError('too-large', 'the base64 payload is larger than 128 MiB');
    }
  }

  #endBase64(): void {
    const batch = decodeAwslogs(this.#base64.trim());
    this.#base64 = '';
    if (batch !== null) this.#emitPayload(batch);
  }

  /** A complete top-level JSON value: a payload, or any other JSON pasted as one event. */
  #value(text: string): void {
    this.#values++;
    this.#parsedValue(text);
  }

  /** Parses a value; one that does not parse is refused if it looks like a payload, else text. */
  #parsedValue(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (looksLikePayload(text)) {
        throw new InvalidPayloadError(
          'not-json',
          `JSON value ${this.#values} looks like a payload but does not parse`,
          { cause: error },
        );
      }
      this.#textEvents(text);
      return;
    }
    this.#jsonValue(value, text);
  }

  #jsonValue(value: unknown, text: string): void {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
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
        if (batch !== null) this.#emitPayload(batch);
        return;
      }
      if ('messageType' in record || 'logEvents' in record) {
        const batch = readDataMessage(record, 'data-message');
        if (batch !== null) this.#emitPayload(stripEventEscapes(batch));
        return;
      }
      if (Array.isArray(record.events)) {
        // a small filter-log-events answer kept whole (its events were not streamed)
        for (const event of record.events) this.#streamEvent(event);
        this.#flushStreamed();
        return;
      }
    }
    if (typeof value === 'string') {
      this.#textEvents(value);
      return;
    }
    // any other JSON (an error record, test-invoke-method's answer): one pasted event
    this.#textEvents(text);
  }

  /** One pasted event, through reconstruction (which expands the traces it carries). */
  #textEvents(text: string): void {
    const id = `${this.#prefix}value:${this.#values}`;
    for (const { message } of splitText(text)) {
      this.#text.push({ id, timestamp: null, message });
    }
    if (this.#text.length >= this.#batchEvents) this.#flushText();
  }

  /** An element of a streamed array: a payload of a JSON array, or one filter-log-events event. */
  #element(text: string, header: Readonly<Record<string, unknown>> | null): void {
    if (header !== null) {
      this.#streamEvent(parseJson(text, `event ${this.#jsonEvents + 1}`));
      return;
    }
    this.#values++;
    this.#parsedValue(text);
  }

  /** One event of `aws logs filter-log-events` / `get-log-events` output. */
  #streamEvent(item: unknown): void {
    this.#jsonEvents++;
    const at = `events[${this.#jsonEvents - 1}]`;
    if (typeof item !== 'object' || item === null) {
      throw new InvalidPayloadError('bad-shape', `${at} is not an object`);
    }
    const event = item as Record<string, unknown>;
    if (typeof event.message !== 'string') {
      throw new InvalidPayloadError('bad-shape', `${at}.message is not a string`);
    }
    const stream = typeof event.logStreamName === 'string' ? event.logStreamName : null;
    if (stream !== this.#streamedStream || this.#streamed.length >= this.#batchEvents) {
      this.#flushStreamed();
      this.#streamedStream = stream;
    }
    const id =
      typeof event.eventId === 'string' && event.eventId !== ''
        ? event.eventId
        : `${this.#prefix}event:${this.#jsonEvents}`;
    this.#streamed.push({
      id,
      timestamp: readTimestamp(event.timestamp, `${at}.timestamp`),
      message: event.message,
    });
  }

  #flushStreamed(): void {
    if (this.#streamed.length === 0) return;
    const events = this.#streamed;
    this.#streamed = [];
    this.#emit(
      stripEventEscapes({
        format: 'filter-log-events',
        owner: null,
        logGroup: this.#logGroup,
        logStream: this.#streamedStream,
        policyLevel: null,
        events,
      }),
    );
  }

  /** A decoded payload: events without an id get a stand-in, so counts stay exact. */
  #emitPayload(batch: LogBatch): void {
    this.#flushText();
    this.#flushStreamed();
    const format: InputFormat = batch.format;
    let n = 0;
    const events = batch.events.some((event) => event.id === null)
      ? batch.events.map((event) =>
          event.id === null
            ? { ...event, id: `${this.#prefix}payload:${this.#values}:${++n}` }
            : event,
        )
      : batch.events;
    this.#emit({ ...batch, format, events });
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidPayloadError('not-json', `${what} is not valid JSON`, { cause: error });
  }
}
