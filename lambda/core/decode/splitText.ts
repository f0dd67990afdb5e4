/** Lines after which IAM's sentence continues on the next line when a document wraps it. */
const WRAPPED_ENDINGS = [' perform:', ' on resource:'] as const;
/** A line that starts mid-sentence because the principal ended the line before. */
const CONTINUED_SENTENCE = 'is not authorized to perform:';

/** Depth change of one line of pretty-printed JSON (strings cannot span lines in JSON). */
function depthChange(line: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
  }
  return depth;
}

/** Whether a line can continue a pretty-printed JSON block (indented, or a closing bracket). */
function continuesJson(line: string): boolean {
  const c = line.charCodeAt(0);
  // space, tab, } ] " ,
  return c === 32 || c === 9 || c === 125 || c === 93 || c === 34 || c === 44;
}

/**
 * Splits pasted text into log events: one per line, except that a pretty-printed JSON block
 * (`Invoke Error\t` followed by `{` on its own line, or a line ending in `{`) stays one event with
 * the line before it, and an IAM sentence a document wrapped after `perform:` is rejoined.
 */
export function splitText(text: string): string[] {
  const lines = text.split('\n');
  const events: string[] = [];
  let block: string[] | null = null;
  let depth = 0;
  let joinNext = false;
  for (const rawLine of lines) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (block !== null) {
      if (line.trim() === '' || continuesJson(line)) {
        block.push(line);
        depth += depthChange(line);
        if (depth <= 0) {
          events[events.length - 1] = block.join('\n');
          block = null;
        }
        continue;
      }
      events[events.length - 1] = block.join('\n');
      block = null;
    }
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (joinNext || (events.length > 0 && trimmed.startsWith(CONTINUED_SENTENCE))) {
      events[events.length - 1] = `${events[events.length - 1]} ${trimmed}`;
      joinNext = WRAPPED_ENDINGS.some((ending) => trimmed.endsWith(ending));
      continue;
    }
    const last = trimmed.charCodeAt(trimmed.length - 1);
    if (trimmed === '{' || trimmed === '[') {
      // a JSON value printed on its own lines after its label ("Invoke Error\t" + newline)
      if (events.length === 0) events.push('');
      const previous: string = events[events.length - 1] ?? '';
      block = previous === '' ? [line] : [previous, line];
      events[events.length - 1] = block.join('\n');
      depth = 1;
      continue;
    }
    events.push(line);
    if (last === 123 || last === 91) {
      block = [line];
      depth = 1;
      continue;
    }
    joinNext = WRAPPED_ENDINGS.some((ending) => trimmed.endsWith(ending));
  }
  if (block !== null) events[events.length - 1] = block.join('\n');
  return events;
}
