import { continuesLine, openBrackets } from './continuesLine';
import { expandJsonTraces } from './expandJsonTraces';
import { stripEscapes } from './stripEscapes';

/**
 * Longest message a reconstruction builds from several lines (joined wraps, a pretty-printed JSON
 * block): past it the message ends and the next line starts a new one, so a hostile paste cannot
 * grow one message without bound.
 */
export const MAX_MESSAGE_CHARS = 1024 * 1024;

/** Receives each reconstructed message and the input line it starts on (1-based). */
export type MessageSink = (message: string, line: number) => void;

/** Whether a line can continue a pretty-printed JSON block (indented, or a closing bracket). */
function continuesJson(line: string): boolean {
  const c = line.charCodeAt(0);
  // space, tab, } ] " ,
  return c === 32 || c === 9 || c === 125 || c === 93 || c === 34 || c === 44;
}

/**
 * Message reconstruction, the stage between pasted text and the matchers (docs/cli.md,
 * "Reconstruction"). It reads text one line at a time, with bounded memory, and emits the log
 * messages the text holds:
 * 1. terminal escape sequences are removed from every line (`grep --color=always` output);
 * 2. a message wrapped over several lines is joined again (continuesLine: IAM's sentence, API
 *    Gateway's lines, the HTTP API sentence, the CLI's error header);
 * 3. a pretty-printed JSON value stays one message with the label line before it
 *    (`Invoke Error` + TAB, then `{` on its own line);
 * 4. a JSON value whose string fields carry a multi-line trace (`test-invoke-method`'s `log`, an
 *    `errorMessage` traceback) becomes the lines of those traces (expandJsonTraces).
 * The messages of one reconstructed event share its first line's number, which the decoder turns
 * into the event id, so counting stays exact however many messages an event expands to.
 * Decoration around values and masked values are handled where values are read
 * (trimDecoration, isMasked).
 */
export class MessageReconstructor {
  readonly #emit: MessageSink;
  #pending: string | null = null;
  #pendingLine = 0;
  #block: string[] | null = null;
  #blockLine = 0;
  #blockChars = 0;
  #depth = 0;

  constructor(emit: MessageSink) {
    this.#emit = emit;
  }

  /** Reads one input line (without its line break); `line` is its 1-based number. */
  push(raw: string, line: number): void {
    const text = stripEscapes(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    if (this.#block !== null) {
      if ((text.trim() === '' || continuesJson(text)) && this.#blockChars < MAX_MESSAGE_CHARS) {
        this.#block.push(text);
        this.#blockChars += text.length + 1;
        this.#depth += openBrackets(text);
        if (this.#depth <= 0) this.#closeBlock();
        return;
      }
      this.#closeBlock();
    }
    const trimmed = text.trim();
    if (trimmed === '') {
      this.#flush();
      return;
    }
    const pending = this.#pending;
    if (
      pending !== null &&
      pending.length + trimmed.length < MAX_MESSAGE_CHARS &&
      continuesLine(pending.trim(), trimmed)
    ) {
      this.#pending = `${pending.trimEnd()} ${trimmed}`;
      return;
    }
    if (trimmed === '{' || trimmed === '[') {
      // a JSON value printed on its own lines after its label ("Invoke Error\t" + newline)
      this.#openBlock(
        pending === null ? [text] : [pending, text],
        pending === null ? line : this.#pendingLine,
      );
      this.#pending = null;
      return;
    }
    this.#flush();
    const last = trimmed.charCodeAt(trimmed.length - 1);
    if (last === 123 || last === 91) {
      this.#openBlock([text], line);
      return;
    }
    this.#pending = text;
    this.#pendingLine = line;
  }

  /** The input ended: emits what is still held. */
  end(): void {
    if (this.#block !== null) this.#closeBlock();
    this.#flush();
  }

  #openBlock(lines: string[], line: number): void {
    this.#block = lines;
    this.#blockLine = line;
    this.#blockChars = lines.reduce((sum, l) => sum + l.length + 1, 0);
    this.#depth = 1;
  }

  #closeBlock(): void {
    const block = this.#block;
    this.#block = null;
    if (block !== null) this.#output(block.join('\n'), this.#blockLine);
  }

  #flush(): void {
    const pending = this.#pending;
    this.#pending = null;
    if (pending !== null) this.#output(pending, this.#pendingLine);
  }

  #output(message: string, line: number): void {
    const lines = expandJsonTraces(message);
    if (lines === null) {
      this.#emit(message, line);
      return;
    }
    for (const expanded of lines) this.#emit(expanded, line);
  }
}
