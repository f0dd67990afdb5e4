// Any ESC or 8-bit C1 control: the quick test that lets almost every message through untouched.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const ANY_ESCAPE = /[\u001b\u0080-\u009f]/;

const ESC = 0x1b;
const BEL = 0x07;
const CSI = 0x9b;
const OSC = 0x9d;
const DCS = 0x90;
const SOS = 0x98;
const ST = 0x9c;
const PM = 0x9e;
const APC = 0x9f;
/** Longest control string (OSC title, hyperlink, DCS) taken as one; a longer run is not a sequence. */
const MAX_STRING = 4096;

/** End (exclusive) of a CSI sequence whose parameters start at `i`: params, intermediates, final. */
function csiEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x3f) j++;
  while (j < text.length && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j++;
  const final = text.charCodeAt(j);
  // a malformed sequence ends before the character that broke it (which is kept)
  return final >= 0x40 && final <= 0x7e ? j + 1 : j;
}

/**
 * End (exclusive) of a control string (OSC, DCS, SOS, PM, APC) whose body starts at `i`: through
 * its terminator (ST as ESC \ or 0x9C, or BEL, which terminals accept for OSC). Unterminated within
 * MAX_STRING characters or before a line break: only the introducer goes, the text stays.
 */
function stringEnd(text: string, i: number): number {
  const limit = Math.min(text.length, i + MAX_STRING);
  for (let j = i; j < limit; j++) {
    const c = text.charCodeAt(j);
    if (c === BEL || c === ST) return j + 1;
    if (c === ESC && text.charCodeAt(j + 1) === 0x5c /* \ */) return j + 2;
    if (c === 0x0a || c === 0x0d) return i;
  }
  return i;
}

/** End (exclusive) of the escape sequence starting at `at` (an ESC or a C1 control). */
function sequenceEnd(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c === CSI) return csiEnd(text, at + 1);
  if (c === OSC || c === DCS || c === SOS || c === PM || c === APC) return stringEnd(text, at + 1);
  if (c !== ESC) return at + 1; // any other C1 control: invisible, dropped alone
  const next = text.charCodeAt(at + 1);
  if (next === 0x5b /* [ */) return csiEnd(text, at + 2);
  // ] OSC, P DCS, X SOS, ^ PM, _ APC
  if (next === 0x5d || next === 0x50 || next === 0x58 || next === 0x5e || next === 0x5f) {
    return stringEnd(text, at + 2);
  }
  // ESC, intermediates, final (`ESC ( B`, `ESC 7`, `ESC c`); a lone ESC is dropped alone
  let j = at + 1;
  while (j < text.length && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j++;
  const final = text.charCodeAt(j);
  return final >= 0x30 && final <= 0x7e ? j + 1 : j;
}

/**
 * Removes terminal escape sequences from log text before it is matched: colour and cursor
 * sequences (CSI, e.g. what `grep --color=always` adds around a match), operating-system commands
 * (OSC: window titles, OSC 8 hyperlinks), DCS/SOS/PM/APC strings, two-character ESC sequences and
 * stray 8-bit C1 controls. Linear time; text without ESC or C1 characters is returned as is.
 *
 * Node's `util.stripVTControlCharacters` (the ansi-regex pattern) is not enough here: it leaves
 * OSC strings with spaces (titles, hyperlinks to URLs with spaces) and DCS strings in the text.
 */
export function stripEscapes(text: string): string {
  if (!ANY_ESCAPE.test(text)) return text;
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== ESC && (c < 0x80 || c > 0x9f)) continue;
    out += text.slice(from, i);
    const end = sequenceEnd(text, i);
    from = end;
    i = end - 1;
  }
  return out + text.slice(from);
}
