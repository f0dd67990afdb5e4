import { COGNITO_TRIGGERS } from '../formats/cognitoTrigger';
import { DISPLAY_NAMES } from '../formats/parsePrincipal';

// Slots that carry a value rather than a word (a NUL never occurs in a token of log text).
/** A token the sentence carries an ARN in (principal, resource, policy, role). */
const ARN = '\u0000arn';
/** A token the sentence carries an action in (`lambda:InvokeFunction`, `SNS:Publish`). */
const ACTION = '\u0000action';
/** A token the line carries any other value in (a method, a path, a request id, a time). */
const WORD = '\u0000word';
type Slot = string | readonly string[];

const ARN_TOKEN = /^[`"'([]*arn:/;
const ACTION_TOKEN = /^[A-Za-z0-9-]+:[A-Za-z*][A-Za-z0-9*]*$/;

/** An explicit-deny clause's last word, alone or followed by `: <policy ARN>`. */
function policyEnd(words: readonly Slot[], noun: string): (readonly Slot[])[] {
  return [
    [...words, noun],
    [...words, `${noun}:`, ARN],
  ];
}

/**
 * The reason clauses IAM appends (IAM user guide, "Troubleshooting access denied error messages",
 * docs/formats.md), as token sequences.
 */
const REASONS: readonly (readonly Slot[])[] = [
  ...['identity-based', 'resource-based', 'session', 'sessions'].map((type) => [
    'because',
    'no',
    type,
    ['policy', 'policies'],
    ['allows', 'allow'],
    'the',
    ACTION,
    'action',
  ]),
  ...[
    ['permissions', 'boundary'],
    ['VPC', 'endpoint', 'policy'],
  ].map((type) => ['because', 'no', ...type, ['allows', 'allow'], 'the', ACTION, 'action']),
  ...[
    ...policyEnd(['a', 'service', 'control'], 'policy'),
    ...policyEnd(['a', 'resource', 'control'], 'policy'),
    ...policyEnd(['an', 'identity-based'], 'policy'),
    ...policyEnd(['a', 'resource-based'], 'policy'),
    ...policyEnd(['a', 'permissions'], 'boundary'),
    ...policyEnd(['a', ['session', 'sessions']], 'policy'),
    ...policyEnd(['a', 'VPC', 'endpoint'], 'policy'),
    [
      'a',
      'VPC',
      'endpoint',
      'policy',
      'transitively',
      'through',
      'a',
      'service',
      'control',
      'policy',
    ],
  ].map((type) => ['with', 'an', 'explicit', 'deny', 'in', ...type]),
  ['with', 'an', 'explicit', 'deny'],
];

// `is not authorized` also follows a principal of another shape (`CloudWatch Alarms`, a name)
const HEADS: readonly (readonly Slot[])[] = [['User:', ARN], ['Resource:', ARN], ['User'], []];
const RESOURCES: readonly (readonly Slot[])[] = [
  [],
  ['on', 'resource:', ARN],
  ['on', 'the', 'resource'],
];
const PERFORM: readonly Slot[] = ['is', 'not', 'authorized', 'to', 'perform:', ACTION];

/**
 * Every sentence a wrapped line can be part of, as token sequences: IAM's denial in all its
 * shapes, API Gateway's REST failure and the HTTP API access-log sentence. A template may end
 * early (IAM omits the resource and the reason in some shapes); the join only asks whether the
 * next line continues one of them.
 */
const TEMPLATES: readonly (readonly Slot[])[] = [
  ...HEADS.flatMap((head) =>
    RESOURCES.flatMap((resource) =>
      [[], ...REASONS].map((reason) => [...head, ...PERFORM, ...resource, ...reason]),
    ),
  ),
  ['Execution', 'failed', 'due', 'to', 'configuration', 'error:'].concat([
    'Invalid',
    'permissions',
    'on',
    'Lambda',
    'function',
  ]),
  ['Execution', 'failed', 'due', 'to', 'configuration', 'error:', 'Authorizer', 'error'],
  [
    ...['Execution', 'failed', 'due', 'to', 'configuration', 'error:', 'API', 'Gateway', 'does'],
    ...['not', 'have', 'permission', 'to', 'assume', 'the', 'provided', 'role'],
    ARN,
  ],
  [
    ...['The', 'IAM', 'role', 'configured', 'on', 'the', ['integration', 'authorizer'], 'or'],
    ...['API', 'Gateway', ['doesn’t', "doesn't"], 'have', 'permissions', 'to', 'call', 'the'],
    ['integration', 'integration.', 'authorizer', 'authorizer.'],
  ],
  // the execution-log lines correlation reads the function and route from, when they come
  // without a request-id prefix (console copies, unprefixed traces)
  ['HTTP', 'Method:', WORD, 'Resource', 'Path:', WORD],
  ['Endpoint', 'request', 'URI:', WORD],
  ['Sending', 'request', 'to', WORD],
  ['Starting', 'execution', 'for', 'request:', WORD],
  ['Starting', 'authorizer:', WORD, 'for', 'request:', WORD],
  ['Method', 'completed', 'with', 'status:', WORD],
  ['Extended', 'Request', 'Id:', WORD],
  // Cognito's trigger failure (also lower-cased in prose)
  [
    [...COGNITO_TRIGGERS, ...COGNITO_TRIGGERS.map((trigger) => trigger.toLowerCase())],
    'invocation',
    'failed',
    'due',
    'to',
    'error',
    WORD,
  ],
  // a console trace's time, broken before the text it stamps
  [
    ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
    ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun'].concat(['Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']),
    WORD,
    WORD,
    'UTC',
    WORD,
    ':',
    WORD,
  ],
];

const LITERALS = new Set<string>(
  TEMPLATES.flatMap((template) =>
    template.flatMap((slot) => (slot === ARN || slot === ACTION || slot === WORD ? [] : slot)),
  ),
);
const STARTS = new Set<string>(TEMPLATES.flatMap((template) => template[0] ?? []));
const LONGEST = Math.max(...TEMPLATES.map((template) => template.length));
/** Characters of the previous line read when looking for the start of its sentence. */
const LOOKBACK = 2048;

/**
 * Whether a slot takes a token. Values in the previous line are taken as found (a masked or odd
 * principal is still a principal); a value that starts the next line must look like one.
 */
function accepts(slot: Slot, token: string, strict: boolean): boolean {
  if (slot === ARN) return !strict || ARN_TOKEN.test(token);
  if (slot === ACTION) return !strict || ACTION_TOKEN.test(token);
  if (slot === WORD) return true;
  return typeof slot === 'string' ? slot === token : slot.includes(token);
}

/** A value the next line can start with: an ARN or an action. */
function valueLike(token: string): boolean {
  return ARN_TOKEN.test(token) || ACTION_TOKEN.test(token);
}

/** A sentence quoted in JSON or prose starts with its quote (`"User: arn:...`). */
function unquoted(token: string): string {
  return token.replace(/^[`"'([“‘*]+/, '');
}

/** Whether `tokens` is a proper prefix of `template` whose next slot accepts `next`. */
function continuesTemplate(
  tokens: readonly string[],
  template: readonly Slot[],
  next: string,
): boolean {
  if (tokens.length >= template.length) return false;
  for (let i = 0; i < tokens.length; i++) {
    const token = i === 0 ? unquoted(tokens[i] as string) : (tokens[i] as string);
    if (!accepts(template[i] as Slot, token, false)) return false;
  }
  return accepts(template[tokens.length] as Slot, next, true);
}

// A request id or console time starts an API Gateway execution-log line.
const EXECUTION_LINE = /^\((?:[A-Za-z0-9+/=_-]{8,64})\)(?: |$)/;
const CONSOLE_LINE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} : /;
/**
 * What starts a log line of its own: an execution-log prefix or console time, a timestamp, a
 * runtime line (`START RequestId`, `[ERROR]`), JSON, an IP address (access logs), a trace header.
 */
const LINE_HEAD =
  /^(?:\([A-Za-z0-9+/=_-]{8,64}\)(?: |$)|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d|\d{4}-\d{2}-\d{2}[T ]|(?:START|END|REPORT|INIT_START|INIT_REPORT) |\[(?:ERROR|WARN|WARNING|INFO|DEBUG|TRACE|FATAL|CRITICAL)\]|\[\d{4}-|\{|\d{1,3}(?:\.\d{1,3}){3} |Execution log for request)/;
const CONSOLE_TIME_START = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2}\b/;
/** The rest of IAM's sentence after its principal, which a paste may put on the next line. */
const SENTENCE_REST = /^is(?: not(?: authorized(?: to(?: perform:)?)?)?)?(?:\s|$)/;
/** The AWS CLI's error header, which a paste often breaks before `User:`. */
const CLI_HEADER = /when calling the [A-Za-z0-9]+ operation(?: \(reached max retries: \d+\))?:$/;

const ACCESS_LOG_LINE = /^\d{1,3}(?:\.\d{1,3}){3}(?: |$)/;

/**
 * Depth of the brackets a line leaves open (negative: closes), counting only outside JSON strings
 * (strings cannot span lines in JSON).
 */
export function openBrackets(line: string): number {
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

/**
 * True when a line that does not start a log line of its own is the wrapped rest of the one-line
 * log record `previous`: an API Gateway execution-log line (request-id prefix or console time), an
 * access-log line (client IP first) or a one-line JSON record left open.
 */
function continuesRecord(previous: string): boolean {
  if (EXECUTION_LINE.test(previous) || CONSOLE_LINE.test(previous)) return true;
  if (ACCESS_LOG_LINE.test(previous)) return true;
  return previous.charCodeAt(0) === 123 /* { */ && openBrackets(previous) > 0;
}

/** Every break of a display-name principal between its words: the words before and after it. */
const DISPLAY_NAME_BREAKS: readonly { readonly head: string; readonly rest: string }[] =
  Object.keys(DISPLAY_NAMES).flatMap((name) => {
    const words = name.split(' ');
    return words.slice(1).map((_, i) => ({
      head: words.slice(0, i + 1).join(' '),
      rest: words.slice(i + 1).join(' '),
    }));
  });

/** A display-name principal (`CloudWatch Alarms`) broken between its words. */
function splitsDisplayName(previous: string, line: string): boolean {
  for (const { head, rest } of DISPLAY_NAME_BREAKS) {
    const restFollows =
      line.startsWith(rest) && (line.length === rest.length || line.startsWith(' is', rest.length));
    if (restFollows && unquoted(previous.slice(-head.length - 1).trim()) === head) return true;
  }
  return false;
}

/** Whether a UTF-16 code unit is whitespace as a regular expression's `\s` means it. */
function isSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) ||
    c === 32 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * The last whitespace-separated token of a line, found by scanning back from its end (`/\S*$/`
 * tries every start position: quadratic in the length of a line's long tokens, on every line read).
 */
function lastToken(line: string): string {
  let from = line.length;
  while (from > 0 && !isSpace(line.charCodeAt(from - 1))) from--;
  return line.slice(from);
}

/**
 * True when `line` (which does not start a log line of its own) continues a sentence of TEMPLATES
 * that `previous` ends inside of.
 */
function continuesSentence(previous: string, line: string): boolean {
  const next = line.slice(0, line.search(/\s|$/));
  // cheap gate: a template word on either side of the break, a value starting the next line, or a
  // console time cut in two
  if (
    !LITERALS.has(next) &&
    !valueLike(next) &&
    !LITERALS.has(unquoted(lastToken(previous))) &&
    !CONSOLE_TIME_START.test(previous)
  ) {
    return false;
  }
  const tokens = previous
    .slice(-LOOKBACK)
    .split(/\s+/)
    .filter((token) => token !== '');
  const from = Math.max(0, tokens.length - LONGEST);
  for (let start = tokens.length - 1; start >= from; start--) {
    if (!STARTS.has(unquoted(tokens[start] as string))) continue;
    const tail = tokens.slice(start);
    for (const template of TEMPLATES) {
      if (continuesTemplate(tail, template, next)) return true;
    }
  }
  return false;
}

/**
 * Whether a pasted line is the wrapped continuation of the line before it (both trimmed, neither
 * empty): CLI output, terminals and error pages break one log message over several lines at any
 * space. A line continues the one before when
 * - the one before ends inside a known sentence (IAM's denial, API Gateway's REST failure, the
 *   HTTP API access-log sentence) and this line carries on with that sentence's next word;
 * - the one before is the AWS CLI's error header (`... when calling the Invoke operation:`) and
 *   this line starts IAM's sentence (`User: ...`), or this line is the rest of that sentence after
 *   its principal (`is not authorized ...`);
 * - the one before is a one-line log record (an API Gateway execution-log line `(<request id>) ...`
 *   or console trace line, an access-log line, a JSON record left open) and this line does not start
 *   a log line of its own.
 * Anything else is a new log event, so separate lines that each hold a whole message are never
 * merged.
 */
export function continuesLine(previous: string, line: string): boolean {
  // `User:` at the end of a line: the principal is on the next (also when glued to escaped JSON)
  if (previous.endsWith('User:') || previous.endsWith('Resource:')) return true;
  if (splitsDisplayName(previous, line)) return true;
  // A line that starts a log line of its own continues nothing else; most lines of a log do, so
  // this one test settles them.
  if (LINE_HEAD.test(line)) return false;
  if (continuesRecord(previous)) return true;
  if (CLI_HEADER.test(previous) && (line.startsWith('User:') || line.startsWith('User is'))) {
    return true;
  }
  // a sentence never starts with `is`: the principal before it, whatever its shape, is on the
  // line before (`CloudWatch Alarms`, `User: sns.amazonaws.com` inside escaped JSON)
  if (line.startsWith('is') && SENTENCE_REST.test(line)) return true;
  return continuesSentence(previous, line);
}
