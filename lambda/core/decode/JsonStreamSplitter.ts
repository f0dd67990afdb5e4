import { InvalidPayloadError } from '../errors';

/** Bounds of a JSON input read incrementally. */
export interface JsonStreamLimits {
  /** Largest single value kept whole (a payload, one element of a streamed array). */
  readonly maxValueChars: number;
  /** Deepest nesting accepted; deeper JSON is refused before it reaches JSON.parse. */
  readonly maxDepth: number;
}

/** The default bounds: payloads of a few MB, records nested a few levels. */
export const JSON_STREAM_LIMITS: JsonStreamLimits = {
  maxValueChars: 64 * 1024 * 1024,
  maxDepth: 256,
};

/** What the splitter hands on. */
export interface JsonStreamSink {
  /** A complete top-level value that is not streamed element by element. */
  value(text: string): void;
  /**
   * One element of a streamed array: of a top-level array (`[payload, payload, ...]`), or of the
   * `events` array of a top-level object (`aws logs filter-log-events` / `get-log-events`), with
   * the members of that object that came before `events` (parsed), else null.
   */
  element(text: string, header: Readonly<Record<string, unknown>> | null): void;
  /** Input after the JSON values that is not JSON (handled as text). */
  text(text: string): void;
}

type Mode = 'between' | 'object' | 'array' | 'events' | 'text';

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;
const STRUCTURE = /["{}[\],:]/g;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/**
 * Reads JSON text in chunks and hands on its values without holding the whole input: the elements
 * of a top-level array and of a top-level object's `events` array one at a time (each is then
 * parsed by JSON.parse), any other top-level value whole, several values in a row (JSON Lines), and
 * what follows them as text when it is not JSON. Only structure is tracked (strings, brackets,
 * depth): each value's validity is JSON.parse's business. A value larger than `maxValueChars` or
 * nested deeper than `maxDepth` is an InvalidPayloadError (`too-large`, `too-deep`). Linear time:
 * string bodies are skipped with indexOf, structure found with one sticky regex.
 */
export class JsonStreamSplitter {
  readonly #sink: JsonStreamSink;
  readonly #limits: JsonStreamLimits;
  #mode: Mode = 'between';
  #buffer = '';
  /** Scan position in the buffer. */
  #at = 0;
  #depth = 0;
  #inString = false;
  /** Start of the string being read (its opening quote). */
  #stringStart = -1;
  /** Span of the last string read at depth 1 of an object (a key, when a colon follows). */
  #lastString: [number, number] | null = null;
  /** Start of the top-level object kept whole, or -1. */
  #objectStart = -1;
  /** Start of the current element of a streamed array (after `[` or `,`), or -1. */
  #elementStart = -1;
  /** An element that is an object or array was emitted when it closed. */
  #elementEmitted = false;
  /** `"events":` was read and its value has not started yet. */
  #awaitingEvents = false;
  #header: Record<string, unknown> | null = null;

  constructor(sink: JsonStreamSink, limits: JsonStreamLimits = JSON_STREAM_LIMITS) {
    this.#sink = sink;
    this.#limits = limits;
  }

  /** Reads the next chunk of input. */
  push(chunk: string): void {
    if (this.#mode === 'text') {
      this.#sink.text(chunk);
      return;
    }
    this.#compact();
    this.#buffer += chunk;
    this.#scan();
    const held = this.#at - this.#keepFrom();
    if (held > this.#limits.maxValueChars) {
      throw new InvalidPayloadError(
        'too-large',
        `a JSON value is larger than ${this.#limits.maxValueChars / 2 ** 20} MiB (the limit for one value)`,
      );
    }
  }

  /**
   * The input ended. Returns the text of a value left unfinished (from its start; '' when none), so
   * the caller can read it as text or refuse it.
   */
  end(): string {
    if (this.#mode === 'text') return '';
    if (this.#mode === 'between') {
      const rest = this.#buffer.slice(this.#at);
      if (rest.trim() !== '') this.#sink.text(rest);
      return '';
    }
    const from = this.#objectStart !== -1 ? this.#objectStart : this.#elementStart;
    const rest = this.#buffer.slice(Math.max(0, from));
    this.#buffer = '';
    this.#mode = 'text';
    return rest;
  }

  /** Where the text still needed starts. */
  #keepFrom(): number {
    let keep = this.#at;
    if (this.#inString && this.#stringStart !== -1) keep = Math.min(keep, this.#stringStart);
    if (this.#objectStart !== -1) keep = Math.min(keep, this.#objectStart);
    if (this.#elementStart !== -1) keep = Math.min(keep, this.#elementStart);
    if (this.#lastString !== null) keep = Math.min(keep, this.#lastString[0]);
    return keep;
  }

  /** Drops consumed input, shifting every position kept. */
  #compact(): void {
    const keep = this.#keepFrom();
    if (keep === 0) return;
    this.#buffer = this.#buffer.slice(keep);
    this.#at -= keep;
    if (this.#stringStart !== -1) this.#stringStart -= keep;
    if (this.#objectStart !== -1) this.#objectStart -= keep;
    if (this.#elementStart !== -1) this.#elementStart -= keep;
    if (this.#lastString !== null) {
      this.#lastString = [this.#lastString[0] - keep, this.#lastString[1] - keep];
    }
  }

  #scan(): void {
    const text = this.#buffer;
    while (this.#at < text.length) {
      if (this.#inString) {
        const close = stringEnd(text, this.#at, this.#stringStart + 1);
        if (close === -1) {
          this.#at = text.length;
          return;
        }
        this.#inString = false;
        this.#at = close + 1;
        if (this.#mode === 'object' && this.#depth === 1)
          this.#lastString = [this.#stringStart, close + 1];
        continue;
      }
      if (this.#mode === 'between') {
        if (!this.#startValue(text)) return;
        continue;
      }
      if (this.#awaitingEvents) {
        while (this.#at < text.length && isSpace(text.charCodeAt(this.#at))) this.#at++;
        if (this.#at >= text.length) return;
        this.#awaitingEvents = false;
        if (text.charCodeAt(this.#at) === OPEN_BRACKET) this.#enterEvents();
        continue;
      }
      STRUCTURE.lastIndex = this.#at;
      const found = STRUCTURE.exec(text);
      if (found === null) {
        this.#at = text.length;
        return;
      }
      const i = found.index;
      this.#at = i + 1;
      this.#structure(text, text.charCodeAt(i), i);
    }
  }

  /** Skips whitespace before a top-level value; false when the buffer ran out or text began. */
  #startValue(text: string): boolean {
    while (this.#at < text.length && isSpace(text.charCodeAt(this.#at))) this.#at++;
    if (this.#at >= text.length) return false;
    const c = text.charCodeAt(this.#at);
    if (c === OPEN_BRACKET) {
      this.#mode = 'array';
      this.#depth = 1;
      this.#at++;
      this.#elementStart = this.#at;
      this.#elementEmitted = false;
      this.#header = null;
      return true;
    }
    if (c === OPEN_BRACE) {
      this.#mode = 'object';
      this.#depth = 1;
      this.#objectStart = this.#at;
      this.#lastString = null;
      this.#at++;
      return true;
    }
    // not JSON: everything from here on is text
    const rest = text.slice(this.#at);
    this.#mode = 'text';
    this.#buffer = '';
    this.#at = 0;
    this.#sink.text(rest);
    return false;
  }

  #structure(text: string, c: number, i: number): void {
    switch (c) {
      case QUOTE:
        this.#inString = true;
        this.#stringStart = i;
        return;
      case OPEN_BRACE:
      case OPEN_BRACKET:
        this.#depth++;
        if (this.#depth > this.#limits.maxDepth) {
          throw new InvalidPayloadError(
            'too-deep',
            `JSON nested deeper than ${this.#limits.maxDepth} levels`,
          );
        }
        return;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        this.#close(text, i);
        return;
      case COMMA:
        if (this.#depth === this.#streamDepth()) this.#elementEnd(text, i);
        else if (this.#mode === 'object' && this.#depth === 1) this.#lastString = null;
        return;
      case COLON:
        if (this.#mode === 'object' && this.#depth === 1 && this.#lastString !== null) {
          const [from, to] = this.#lastString;
          this.#lastString = null;
          if (text.slice(from, to) === '"events"') {
            this.#header = headerBefore(text.slice(this.#objectStart, from));
            this.#awaitingEvents = true;
          }
        }
        return;
    }
  }

  /** Depth of the streamed array's own brackets (its elements are one deeper). */
  #streamDepth(): number {
    return this.#mode === 'array' ? 1 : this.#mode === 'events' ? 2 : -1;
  }

  /** `"events": [` of the top-level object: its elements are streamed from here. */
  #enterEvents(): void {
    this.#mode = 'events';
    this.#depth = 2;
    this.#at += 1;
    this.#objectStart = -1;
    this.#elementStart = this.#at;
    this.#elementEmitted = false;
  }

  #close(text: string, i: number): void {
    const depth = this.#depth;
    this.#depth--;
    if (this.#depth < 0) throw new InvalidPayloadError('not-json', 'unbalanced JSON brackets');
    const streamDepth = this.#streamDepth();
    if (depth === streamDepth + 1 && this.#elementStart !== -1) {
      // an object or array element closed
      this.#emit(text.slice(this.#elementStart, i + 1).trim());
      this.#elementEmitted = true;
      return;
    }
    if (depth === streamDepth) {
      // the streamed array closed
      this.#elementEnd(text, i);
      this.#elementStart = -1;
      if (this.#mode === 'events') {
        this.#mode = 'object';
        this.#header = null;
        return;
      }
    }
    if (this.#depth === 0) {
      if (this.#mode === 'object' && this.#objectStart !== -1) {
        this.#sink.value(text.slice(this.#objectStart, i + 1));
      }
      this.#mode = 'between';
      this.#objectStart = -1;
      this.#elementStart = -1;
      this.#lastString = null;
    }
  }

  /** An element of the streamed array ends at `end` (a comma or the closing bracket). */
  #elementEnd(text: string, end: number): void {
    if (!this.#elementEmitted && this.#elementStart !== -1) {
      const scalar = text.slice(this.#elementStart, end).trim();
      if (scalar !== '') this.#emit(scalar);
    }
    this.#elementStart = end + 1;
    this.#elementEmitted = false;
  }

  #emit(element: string): void {
    this.#sink.element(element, this.#header);
  }
}

/**
 * Index of the quote that closes a string, searching from `from`; `bodyStart` is where the string's
 * body starts (backslashes before it do not count). -1 when the input ran out first.
 */
function stringEnd(text: string, from: number, bodyStart: number): number {
  let j = from;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q === -1) return -1;
    let backslashes = 0;
    for (let k = q - 1; k >= bodyStart && text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return q;
    j = q + 1;
  }
}

/** The members of an object before its `events` key, parsed (null when they do not parse). */
function headerBefore(text: string): Record<string, unknown> | null {
  const members = text.trimEnd().replace(/,$/, '');
  try {
    const value: unknown = JSON.parse(`${members}}`);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
