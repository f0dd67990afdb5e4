import { fingerprint } from '../diagnose/fingerprint';
import type { DiagnosisFacts, FunctionRef, InvokeAction, Principal, Reason } from '../types';
import type {
  FamilyScanner,
  Finding,
  FormatFamily,
  MessagePattern,
  ScannedEvent,
} from './FormatFamily';
import { parseFunctionRef, UNKNOWN_FUNCTION } from './parseFunctionRef';
import { parsePrincipal } from './parsePrincipal';
import { parseReason } from './parseReason';

const ROW: MessagePattern = {
  name: 'iam-invoke-denied',
  kind: 'invoke-access-denied',
  needle: 'lambda:InvokeFunction',
  marker: ' not authorized to perform: lambda:InvokeFunction',
  regex: /is not authorized to perform: (lambda:InvokeFunction(?:Url)?)\b/,
  example:
    'An error occurred (AccessDeniedException) when calling the Invoke operation: User: arn:aws:iam::302651359699:user/jasonQ is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-west-2:302651359699:function:CreateThumbnail',
  yields: ['action', 'principal', 'function', 'reason', 'denyPolicyArn'],
};

/** One IAM denial of lambda:InvokeFunction / lambda:InvokeFunctionUrl found in a message. */
export interface InvokeDenied {
  readonly pattern: string;
  readonly action: InvokeAction;
  readonly principal: Principal;
  readonly function: FunctionRef;
  readonly reason: Reason;
  readonly denyPolicyArn: string | null;
  /** The sentence as found, from the principal to the end of the reason clause. */
  readonly text: string;
}

/**
 * Parsed principals and functions by their raw text, shared by the calls that pass it (one
 * analysis): in an outage the same caller and function repeat in every line, and reusing the
 * (immutable) parsed values skips re-parsing them.
 */
export interface InvokeDeniedMemo {
  readonly principals: Map<string | null, Principal>;
  readonly functions: Map<string, FunctionRef>;
}

const MARKER = ROW.marker;
const URL_SUFFIX = 'Url';
const ON_RESOURCE = ' on resource: ';
const ON_THE_RESOURCE = ' on the resource';
// A token ends at whitespace, quotes, backslashes (escaped JSON) and closing brackets: none of
// them can be part of an ARN, a service name or a function name.
const TOKEN = /^[^\s"'`\\)\]},;]+/;
const WORD = /^[A-Z][A-Za-z0-9]*$/;
const LOOKBACK = 600;
const LOOKAHEAD = 2048;

// Characters that end a resource token legitimately: whitespace, quotes, backslashes of escaped
// JSON and closing brackets of wrappers (`... function:x)`, `b'...'`, `"...}`).
const RESOURCE_END = /[\s"'\\)\]}]/;

/**
 * The resource after "on resource: ". When the ARN-like run stops at a character that cannot end a
 * resource (a backtick, `;`, `,`: `function:fn\`id\``, `function:fn;rm -rf x`), the whole run up
 * to a legitimate end is returned, so validation rejects it rather than a cut-down name passing.
 */
function resourceToken(text: string): string {
  const decorated = decoratedToken(text);
  if (decorated !== null) return decorated;
  const token = TOKEN.exec(text)?.[0] ?? '';
  if (endsResource(text, token.length)) return token;
  const end = text.slice(token.length).search(/\s/);
  return end === -1 ? text : text.slice(0, token.length + end);
}

/** Closer of each character that opens decoration around a resource (markdown, prose, quotes). */
const DECORATION: Readonly<Record<string, string>> = { '`': '`', '"': '"', "'": "'", '(': ')' };

/**
 * A resource wrapped whole in decoration (`` `arn:...` ``, `"arn:..."`, `(arn:...)`), through its
 * closer, when the closer ends the run (`fn\`id\`` stays one hostile run); trimDecoration then
 * removes the wrapping when the value is parsed. Null when the text does not start so.
 */
function decoratedToken(text: string): string | null {
  const closer = DECORATION[text.charAt(0)];
  if (closer === undefined) return null;
  const close = text.indexOf(closer, 1);
  if (close <= 1 || /\s/.test(text.slice(1, close))) return null;
  return endsResource(text, close + 1) || /[.,;:]/.test(text.charAt(close + 1))
    ? text.slice(0, close + 1)
    : null;
}

// A quote or bracket closes a wrapper only when a separator follows it (`fn"quoted"` is one hostile run, not
// `fn`); a backslash only when it starts an escape (`\"`, `\n`, `\t`).
function endsResource(text: string, at: number): boolean {
  const next = text.charAt(at);
  if (next === '') return true;
  if (!RESOURCE_END.test(next)) return false;
  const after = text.charAt(at + 1);
  if (next === '"' || next === "'") return after === '' || AFTER_QUOTE.test(after);
  if (next === '\\') {
    if (after === 'n' || after === 't') return true;
    const third = text.charAt(at + 2);
    return (after === '"' || after === "'") && (third === '' || AFTER_QUOTE.test(third));
  }
  if (next === ')' || next === ']' || next === '}') {
    return after === '' || after === '"' || after === "'" || AFTER_QUOTE.test(after);
  }
  return true;
}

const AFTER_QUOTE = /[\s,:.)\]}\\]/;
const CLOSING_DECORATION = /^[)\]`'".,;]+(?=\s)/;

interface Who {
  readonly raw: string | null;
  readonly start: number;
}

/** Finds who was denied from the text just before ` is not authorized`. */
function findPrincipal(message: string, isAt: number): Who {
  // isAt points at "is not authorized"; the text before ends with a space
  const from = Math.max(0, isAt - LOOKBACK);
  const before = message.slice(from, isAt).trimEnd();
  const space = before.lastIndexOf(' ');
  const token = before.slice(space + 1);
  const lead = before.slice(0, space + 1);
  if (lead.endsWith('User: ') || lead.endsWith('Resource: ')) {
    // The principal is the whole word before " is not authorized": a shorter match would be a
    // different identity (`user/o'neil` is not `user/o`), so a word with characters no ARN has is
    // kept whole and fails validation downstream (no runnable command) instead of being cut.
    const clean = token.replace(/^["'\\]+/, '');
    const raw = clean === '' ? null : clean;
    return {
      raw,
      start: from + lead.lastIndexOf(lead.endsWith('User: ') ? 'User: ' : 'Resource: '),
    };
  }
  if (token === 'User' || token.endsWith('"User') || token.endsWith("'User")) {
    return { raw: null, start: from + space + 1 };
  }
  // Display name such as "CloudWatch Alarms": capitalised words right before the sentence
  const words = before.split(' ');
  const name: string[] = [];
  for (let i = words.length - 1; i >= 0 && name.length < 4; i--) {
    const rawWord = words[i] ?? '';
    // the first word may carry the quote that opens a JSON string (`"error": "CloudWatch Alarms`)
    const word = rawWord.replace(/^["'\\]+/, '');
    if (!WORD.test(word)) break;
    name.unshift(word);
    if (word !== rawWord) break;
  }
  const display = name.join(' ');
  return { raw: display === '' ? null : display, start: from + before.length - display.length };
}

/** Every IAM denial in one message; with a `memo`, equal principals and functions are shared. */
function findInvokeDenied(message: string, memo?: InvokeDeniedMemo): InvokeDenied[] {
  const found: InvokeDenied[] = [];
  let at = message.indexOf(MARKER);
  while (at !== -1) {
    const next = message.indexOf(MARKER, at + MARKER.length);
    const isAt = message.lastIndexOf('is', at);
    if (isAt === at - 2) {
      let pos = at + MARKER.length;
      let action: InvokeAction = 'lambda:InvokeFunction';
      if (message.startsWith(URL_SUFFIX, pos)) {
        action = 'lambda:InvokeFunctionUrl';
        pos += URL_SUFFIX.length;
      }
      const boundary = message.charCodeAt(pos);
      // reject lambda:InvokeFunctionFoo; accept end of text or any non-word character
      const isWordChar =
        (boundary >= 48 && boundary <= 57) ||
        (boundary >= 65 && boundary <= 90) ||
        (boundary >= 97 && boundary <= 122) ||
        boundary === 95;
      if (!isWordChar) {
        const who = findPrincipal(message, isAt);
        const rest = message.slice(pos, pos + LOOKAHEAD);
        let offset = 0;
        let fn = UNKNOWN_FUNCTION;
        if (rest.startsWith(ON_RESOURCE)) {
          offset = ON_RESOURCE.length;
          const token = resourceToken(rest.slice(offset));
          let ref = memo?.functions.get(token);
          if (ref === undefined) {
            ref = parseFunctionRef(token);
            memo?.functions.set(token, ref);
          }
          fn = ref;
          offset += token.length;
        } else if (rest.startsWith(ON_THE_RESOURCE)) {
          offset = ON_THE_RESOURCE.length;
        }
        // the closing decoration and punctuation of the resource (`...fn).`) before the reason
        const tail = rest.slice(offset).replace(CLOSING_DECORATION, '');
        const trimmed = tail.trimStart();
        const parsed = parseReason(trimmed);
        const skipped = rest.length - offset - tail.length;
        const end =
          pos +
          offset +
          (parsed.length > 0 ? skipped + tail.length - trimmed.length + parsed.length : 0);
        let principal = memo?.principals.get(who.raw);
        if (principal === undefined) {
          principal = parsePrincipal(who.raw);
          memo?.principals.set(who.raw, principal);
        }
        found.push({
          pattern: ROW.name,
          action,
          principal,
          function: fn,
          reason: parsed.reason,
          denyPolicyArn: parsed.denyPolicyArn,
          text: message.slice(who.start, end),
        });
      }
    }
    at = next;
  }
  return found;
}

/**
 * Scanner of one analysis. In an outage every line names the same caller and function: they are
 * parsed once (the memo shares the immutable parsed values) and each distinct denial's fingerprint
 * is hashed once. The memo key covers every field of a denial's facts (principal and function by
 * identity), so it holds whatever the fingerprint is made of.
 */
function scanner(): FamilyScanner {
  const memo: InvokeDeniedMemo = { principals: new Map(), functions: new Map() };
  const keys = new Map<Principal, Map<FunctionRef, Map<string, string>>>();
  const found: Finding[] = [];
  return {
    scan({ batch, event, eventId }: ScannedEvent): void {
      const message = event.message;
      if (!message.includes(MARKER)) return;
      for (const denied of findInvokeDenied(message, memo)) {
        const facts: DiagnosisFacts = {
          kind: 'invoke-access-denied',
          action: denied.action,
          principal: denied.principal,
          function: denied.function,
          api: null,
          reason: denied.reason,
          denyPolicyArn: denied.denyPolicyArn,
          roleArn: null,
        };
        let byFunction = keys.get(denied.principal);
        if (byFunction === undefined) {
          byFunction = new Map();
          keys.set(denied.principal, byFunction);
        }
        let byVariant = byFunction.get(denied.function);
        if (byVariant === undefined) {
          byVariant = new Map();
          byFunction.set(denied.function, byVariant);
        }
        const variant = `${denied.action}\u0000${denied.reason}\u0000${denied.denyPolicyArn ?? '\u0001'}`;
        let key = byVariant.get(variant);
        if (key === undefined) {
          key = fingerprint(facts);
          byVariant.set(variant, key);
        }
        found.push({
          facts,
          key,
          eventId,
          timestamp: event.timestamp,
          requestId: null,
          text: denied.text,
          logGroup: batch.logGroup,
          logStream: batch.logStream,
          owner: batch.owner,
        });
      }
    },
    findings: () => found,
  };
}

/**
 * The IAM sentence `... is not authorized to perform: lambda:InvokeFunction(Url) ...`, anywhere in a
 * message: bare, wrapped in SDK errors, JSON strings with escaped quotes, Step Functions causes or
 * Python reprs. `find` returns every denial in a message; the same sentence repeated in one message
 * (Node's Invoke Error prints it three times) yields repeated entries that grouping collapses.
 */
export const iamSentence = {
  name: 'iam-sentence',
  rows: [ROW],
  find: (message: string, memo?: InvokeDeniedMemo): InvokeDenied[] =>
    findInvokeDenied(message, memo),
  scanner,
} as const satisfies FormatFamily;
