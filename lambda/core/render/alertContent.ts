import { STACK_NAMES } from '../constants';
import type { Incident, Notification, NotificationKind } from '../incidents/incident';
import { nextExpected, typicalInterval } from '../incidents/recurrence';
import type { DiagnosisKind, Fix, FixKind, Reason, Verification } from '../types';
import { formatDuration } from './formatDuration';

/** One labelled value of an alert; `value` is raw text (possibly from a log) and is escaped by each renderer. */
export interface AlertFact {
  readonly label: string;
  readonly value: string;
}

/** One fix as an alert shows it: the command first, the other forms behind it. */
export interface AlertFix {
  readonly title: string;
  readonly kind: FixKind;
  readonly description: string;
  readonly command: string | null;
  /** CloudFormation / Terraform / CDK forms, in that order, only those present. */
  readonly forms: readonly AlertFact[];
}

/**
 * What every channel says about one notification, before channel formatting. Slack, SNS, chat and
 * the terminal render this same content, so the channels cannot disagree.
 */
export interface AlertContent {
  readonly kind: NotificationKind;
  /** `OPENED` / `ONGOING` / `RESOLVED`. */
  readonly status: string;
  /** Unicode emoji for chat channels (never a `:shortcode:`). */
  readonly emoji: string;
  /** What broke, e.g. `API Gateway cannot invoke Lambda`. */
  readonly problem: string;
  /** Short name of the affected function (or role / route when that is all we know). */
  readonly subject: string;
  /**
   * `problem: subject`, plus `in account <id>` for an organisation's incident and ` (unconfirmed
   * caller)` when the caller is outside the trusted accounts.
   */
  readonly headline: string;
  /**
   * Warning shown above everything else when the caller is outside the trusted accounts (the line
   * may be forged, no grant is runnable); null otherwise.
   */
  readonly caution: string | null;
  readonly summary: string;
  /** One sentence on the incident's state: occurrences, new since last, duration. */
  readonly progress: string;
  /** Who / what / where (+ API route, log group, role, deny policy when known). */
  readonly facts: readonly AlertFact[];
  /** Occurrences and first / last seen (+ resolved at). */
  readonly timing: readonly AlertFact[];
  /**
   * The live-account verdict: status and root cause, why, the statement and the change behind it,
   * the candidates, the calls made (evidence). Empty when the diagnosis was not verified.
   */
  readonly verification: readonly AlertFact[];
  /**
   * Fixes this kind of message shows: all for `opened`, the first for `update`, `recurring` and
   * `reminder`, none for `fixed` and `resolved`.
   */
  readonly fixes: readonly AlertFix[];
  /** Whether the fixes' CloudFormation / Terraform / CDK forms are shown (`opened` only). */
  readonly showForms: boolean;
  /** One matched log line; empty for `resolved`. */
  readonly sample: string;
  readonly incidentId: string;
  /** `Incident <id> · episode n (previous <id>)`. */
  readonly reference: string;
  /** Command that shows the incident's history, shell-quoted. */
  readonly historyCommand: string;
}

/** Plain-English name of each diagnosis kind. */
export const PROBLEM_TITLES: Readonly<Record<DiagnosisKind, string>> = {
  'invoke-access-denied': 'Lambda invoke denied',
  'apigw-invalid-permissions': 'API Gateway cannot invoke Lambda',
  'apigw-authorizer-invalid-permissions': 'API Gateway cannot invoke the Lambda authorizer',
  'apigw-cannot-assume-role': 'API Gateway cannot assume the invocation role',
  'http-api-integration-permissions': 'HTTP API cannot invoke its integration',
  'http-api-authorizer-permissions': 'HTTP API cannot invoke its authorizer',
  'cognito-trigger-access-denied': 'Cognito cannot invoke its trigger',
};

/** Why IAM refused, as a phrase that follows the action. */
export const REASON_TEXT: Readonly<Record<Reason, string>> = {
  'no-identity-policy': 'no identity-based policy allows it',
  'no-resource-policy': 'no resource-based policy allows it',
  'no-permissions-boundary': 'no permissions boundary allows it',
  'no-session-policy': 'no session policy allows it',
  'no-vpc-endpoint-policy': 'no VPC endpoint policy allows it',
  'explicit-deny-scp': 'explicitly denied by a service control policy',
  'explicit-deny-rcp': 'explicitly denied by a resource control policy',
  'explicit-deny-identity-policy': 'explicitly denied by an identity-based policy',
  'explicit-deny-resource-policy': 'explicitly denied by a resource-based policy',
  'explicit-deny-permissions-boundary': 'explicitly denied by a permissions boundary',
  'explicit-deny-session-policy': 'explicitly denied by a session policy',
  'explicit-deny-vpc-endpoint-policy': 'explicitly denied by a VPC endpoint policy',
  'explicit-deny': 'explicitly denied',
  unspecified: 'denied (the log gives no reason)',
};

/** Heading of each kind of fix. */
export const FIX_TITLES: Readonly<Record<FixKind, string>> = {
  'add-permission': "Allow the caller in the function's resource-based policy",
  'identity-policy': "Allow the invoke in the caller's identity policy",
  'trust-policy': 'Let API Gateway assume the role',
  'remove-explicit-deny': 'Remove or narrow the explicit deny',
  'locate-function': 'Find the function behind the route',
  'set-stage-variable': 'Define the stage variable the integration uses',
  'remove-permission': 'Optional clean-up: remove the stale statement',
};

const STATUS: Readonly<Record<NotificationKind, { status: string; emoji: string }>> = {
  opened: { status: 'OPENED', emoji: '🚨' },
  update: { status: 'ONGOING', emoji: '🔁' },
  recurring: { status: 'RECURRING', emoji: '🔂' },
  reminder: { status: 'STILL FAILING', emoji: '⏰' },
  fixed: { status: 'FIXED', emoji: '🔧' },
  resolved: { status: 'RESOLVED', emoji: '✅' },
};

const FORM_LABELS = [
  ['cloudformation', 'CloudFormation'],
  ['terraform', 'Terraform'],
  ['cdk', 'CDK'],
] as const;

/** Builds the channel-neutral content of a notification. Pure: no clock, everything comes from the incident. */
export function alertContent(notification: Notification): AlertContent {
  const { kind, incident } = notification;
  const d = incident.diagnosis;
  const { status, emoji } = STATUS[kind];
  const problem = PROBLEM_TITLES[d.kind] ?? 'Lambda invoke permission failure';
  const subject = subjectOf(incident);
  const fixes =
    kind === 'opened'
      ? d.fixes
      : kind === 'update' || kind === 'recurring' || kind === 'reminder'
        ? d.fixes.slice(0, 1)
        : [];
  const unconfirmed = d.callerTrust === 'unconfirmed';
  return {
    kind,
    status,
    emoji,
    problem,
    subject,
    headline: `${problem}: ${subject}${incident.account ? ` in account ${incident.account}` : ''}${unconfirmed ? ' (unconfirmed caller)' : ''}`,
    caution: unconfirmed ? cautionOf(incident) : null,
    summary: d.summary.trim() || problem,
    progress: progressOf(notification),
    facts: factsOf(incident),
    timing: timingOf(notification),
    verification: verificationOf(d.verification ?? null, kind),
    fixes: fixes.map(alertFix),
    showForms: kind === 'opened',
    sample: kind === 'resolved' ? '' : d.sample,
    incidentId: incident.id,
    reference: referenceOf(incident),
    historyCommand: `npx invoke-doctor incidents show ${shellWord(incident.id)}${
      // An organisation's incidents live in the central stack's table.
      incident.account ? ` --stack ${STACK_NAMES.central}` : ''
    }`,
  };
}

/** The unconfirmed-caller warning: the account named, what to check, how to trust it once confirmed. */
function cautionOf(incident: Incident): string {
  const account = incident.diagnosis.principal.accountId;
  const who = account ? `account ${account}` : 'its account';
  return `UNCONFIRMED CALLER: the caller (${who}) is not one of the trusted accounts, and anyone who can write to a watched log can write this line. Check the source below before granting anything; no grant is runnable until the account is trusted (npx invoke-doctor incidents show ${shellWord(incident.id)} --trust-account ${account ?? '<ACCOUNT_ID>'}).`;
}

function alertFix(fix: Fix): AlertFix {
  const forms: AlertFact[] = [];
  for (const [key, label] of FORM_LABELS) {
    const value = fix[key];
    // Snippets end with a newline; alerts show them without the trailing blank line.
    if (value !== undefined && value.trim() !== '') forms.push({ label, value: value.trimEnd() });
  }
  return {
    title: FIX_TITLES[fix.kind] ?? fix.kind,
    kind: fix.kind,
    description: fix.description,
    command: fix.command === null ? null : fix.command.trimEnd(),
    forms,
  };
}

function subjectOf(incident: Incident): string {
  const d = incident.diagnosis;
  const fn = d.function;
  if (fn.name) return fn.qualifier ? `${fn.name}:${fn.qualifier}` : fn.name;
  if (fn.arn) return fn.arn;
  if (d.roleArn) return d.roleArn;
  if (d.trigger) return `${d.trigger} trigger`;
  if (d.api?.resourcePath) return [d.api.httpMethod, d.api.resourcePath].filter(Boolean).join(' ');
  return 'unknown function';
}

function factsOf(incident: Incident): AlertFact[] {
  const d = incident.diagnosis;
  const p = d.principal;
  const who = p.arn ?? p.service ?? (p.accountId ? `account ${p.accountId}` : 'unknown principal');
  const facts: AlertFact[] = [
    ...(incident.account ? [{ label: 'Account', value: incident.account }] : []),
    { label: 'Who', value: p.type === 'unknown' ? who : `${who} (${p.type})` },
    {
      label: 'What',
      value: `${d.action ?? 'lambda:InvokeFunction'}: ${REASON_TEXT[d.reason] ?? d.reason}`,
    },
    { label: 'Where', value: whereOf(incident) },
  ];
  if (d.api) facts.push({ label: 'API route', value: routeOf(d.api) });
  if (d.logGroup) facts.push({ label: 'Log group', value: d.logGroup });
  const source = sourceOf(incident);
  if (source) facts.push({ label: 'Source', value: source });
  if (d.roleArn) facts.push({ label: 'Role', value: d.roleArn });
  if (d.denyPolicyArn) facts.push({ label: 'Deny policy', value: d.denyPolicyArn });
  return facts;
}

/** Where the first occurrence is: stream, event id, request id and owning account, when known. */
function sourceOf(incident: Incident): string | null {
  const d = incident.diagnosis;
  const parts = [
    d.logStream ? `stream ${d.logStream}` : null,
    d.eventId ? `event ${d.eventId}` : null,
    d.requestId ? `request ${d.requestId}` : null,
    d.logOwner ? `account ${d.logOwner}` : null,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(', ') : null;
}

function whereOf(incident: Incident): string {
  const fn = incident.diagnosis.function;
  if (fn.arn) return fn.arn;
  const name = fn.name
    ? fn.qualifier
      ? `${fn.name}:${fn.qualifier}`
      : fn.name
    : 'unknown function';
  const place = [fn.region, fn.accountId ? `account ${fn.accountId}` : null].filter(Boolean);
  return place.length > 0 ? `${name} (${place.join(', ')})` : name;
}

/** `GET /orders`; a route key without a method (a WebSocket API's `$connect`) as it is. */
function routeKeyOf(api: NonNullable<Incident['diagnosis']['api']>): string {
  const path = api.resourcePath ?? '(unknown path)';
  // a WebSocket route key (`$connect`, `sendMessage`) has no method
  if (api.httpMethod === null && api.resourcePath && !api.resourcePath.startsWith('/')) return path;
  // an unknown method stays unknown: `ANY` would be a method the log never named
  return `${api.httpMethod ?? '(unknown method)'} ${path}`;
}

function routeOf(api: NonNullable<Incident['diagnosis']['api']>): string {
  const route = routeKeyOf(api);
  const where = [api.id ? `API ${api.id}` : null, api.stage ? `stage ${api.stage}` : null].filter(
    Boolean,
  );
  return where.length > 0 ? `${route} (${where.join(', ')})` : route;
}

/** Evidence lines an alert lists; `incidents show` lists them all. */
const MAX_EVIDENCE_LINES = 12;

function verificationOf(v: Verification | null, kind: NotificationKind): AlertFact[] {
  if (v === null || kind === 'resolved') return [];
  const facts: AlertFact[] = [
    {
      label: 'Verified',
      value:
        v.status === 'confirmed' || v.status === 'refuted'
          ? `${v.status}: ${v.rootCause} (checked ${displayTime(v.checkedAt)})`
          : `${v.status} (checked ${displayTime(v.checkedAt)})`,
    },
    { label: 'Why', value: v.reason },
  ];
  const st = v.statement;
  if (st) {
    const where = `${st.sid ? `Statement "${st.sid}"` : 'A statement'}${st.policy ? ` of ${st.policy}` : ''}`;
    facts.push({
      label: 'Statement',
      value: `${where}: ${st.subject}${st.expected.length > 0 ? ` expects ${st.expected.join(' or ')}` : ''}; the request has ${st.actual ?? 'none'}`,
    });
  }
  if (v.change) {
    facts.push({
      label: 'Change',
      value: `${v.change.event} by ${v.change.actor ?? 'an unknown identity'} at ${displayTime(v.change.at)}`,
    });
  }
  if (v.candidates.length > 0) {
    facts.push({
      label: 'Candidates',
      value: v.candidates.map((c) => `${c.route} → ${c.function} (${c.rootCause})`).join('\n'),
    });
  }
  if (v.evidence.length > 0) {
    const lines = v.evidence.slice(0, MAX_EVIDENCE_LINES).map((e) => `${e.call} → ${e.result}`);
    if (v.evidence.length > MAX_EVIDENCE_LINES) {
      lines.push(
        `… ${v.evidence.length - MAX_EVIDENCE_LINES} more calls (incidents show lists all)`,
      );
    }
    facts.push({ label: 'Evidence', value: lines.join('\n') });
  }
  return facts;
}

function timingOf(notification: Notification): AlertFact[] {
  const { incident, kind, newOccurrences } = notification;
  const occurrences =
    kind === 'update'
      ? `${incident.occurrences} (+${newOccurrences} since last update)`
      : String(incident.occurrences);
  const timing: AlertFact[] = [
    { label: 'Occurrences', value: occurrences },
    { label: 'First seen', value: displayTime(incident.firstSeen) },
    { label: 'Last seen', value: displayTime(incident.lastSeen) },
  ];
  const rhythm = rhythmOf(incident);
  if (rhythm !== null) timing.push({ label: 'Rhythm', value: rhythm });
  if (kind === 'resolved' && incident.resolvedAt) {
    timing.push({ label: 'Resolved', value: displayTime(incident.resolvedAt) });
  }
  return timing;
}

/**
 * `about every 1h 00m · 3 bursts · next expected around 2026-03-14 22:31:36 UTC` for an incident
 * that failed in more than one burst (no next run once resolved); null otherwise.
 */
export function rhythmOf(incident: Incident): string | null {
  const r = incident.recurrence;
  const every = typicalInterval(r);
  if (r === undefined || every === null) return null;
  const next = nextExpected(r);
  const upcoming =
    incident.status === 'open' && next !== null
      ? ` · next expected around ${displayTime(new Date(next).toISOString())}`
      : '';
  return `about every ${formatDuration(every)} · ${plural(r.bursts, 'burst')}${upcoming}`;
}

function progressOf(notification: Notification): string {
  const { incident, kind, newOccurrences } = notification;
  const total = plural(incident.occurrences, 'occurrence');
  const lasted = duration(incident.firstSeen, incident.lastSeen);
  const r = incident.recurrence;
  const every = typicalInterval(r);
  const rhythm =
    r !== undefined && every !== null
      ? `fails about every ${formatDuration(every)}, ${times(r.bursts)} so far`
      : null;
  if (kind === 'update') {
    return `${plural(newOccurrences, 'new occurrence')} since the last update, ${total} in total; failing for ${lasted}.`;
  }
  if (kind === 'recurring') {
    const next = nextExpected(r);
    const expect =
      next === null
        ? ''
        : ` Next failure expected around ${displayTime(new Date(next).toISOString())}.`;
    return `Failing again: it ${rhythm ?? 'fails in bursts'} (${total} since ${displayTime(incident.firstSeen)}). One incident, not one per run: no alert for each run from now on, only a reminder while it keeps failing.${expect}`;
  }
  if (kind === 'reminder') {
    return `Still failing: it ${rhythm ?? 'fails in bursts'}; ${plural(newOccurrences, 'new occurrence')} since the last alert, ${total} since ${displayTime(incident.firstSeen)}.`;
  }
  if (kind === 'resolved') {
    const ran =
      r && r.bursts > 1
        ? ` It failed ${times(r.bursts)}${every === null ? '' : `, about every ${formatDuration(every)}`}.`
        : '';
    return `${resolutionOf(incident)} The outage lasted ${lasted} with ${total} in total.${ran}`;
  }
  if (kind === 'fixed') {
    const change = incident.diagnosis.verification?.change;
    const who = change
      ? ` ${change.event} by ${change.actor ?? 'an unknown identity'} at ${displayTime(change.at)}.`
      : '';
    return `The live policies allow the failing request now.${who} The incident resolves once no failure follows; ${total} so far.`;
  }
  const reopened = incident.previousIncidentId
    ? ` This happened before: previous incident ${incident.previousIncidentId}.`
    : '';
  return `${total} since ${displayTime(incident.firstSeen)}.${reopened}`;
}

/** What a RESOLVED alert says about why: verified fixed, or quiet (and whether it was checked). */
export function resolutionOf(incident: Incident): string {
  const res = incident.resolution;
  if (res === undefined) return `No occurrences since ${displayTime(incident.lastSeen)}.`;
  const quiet = formatDuration(res.quietForMs);
  switch (res.reason) {
    case 'verified-fixed':
      return `Verified fixed at ${displayTime(res.verifiedAt ?? incident.resolvedAt ?? incident.lastSeen)}: the live policies allow the request, and no failure followed.`;
    case 'hold-expired':
      return `No failures for ${quiet}, but not fixed: the last check${res.verifiedAt ? ` (${displayTime(res.verifiedAt)})` : ''} still found the request denied, so whatever called stopped trying. The next call fails again.`;
    default:
      return `No failures for ${quiet}; not verified (the fix was not checked against the live account).`;
  }
}

/** `once`, `twice`, `3 times`. */
function times(count: number): string {
  return count === 1 ? 'once' : count === 2 ? 'twice' : `${count} times`;
}

function referenceOf(incident: Incident): string {
  const previous = incident.previousIncidentId ? ` (previous ${incident.previousIncidentId})` : '';
  return `Incident ${incident.id} · episode ${incident.episode}${previous}`;
}

/** `12`, `1 occurrence`, `3 occurrences`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const ISO = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)?Z$/;

/** `2026-03-14T21:31:36.819Z` -> `2026-03-14 21:31:36 UTC`; anything else unchanged. */
export function displayTime(iso: string): string {
  const m = ISO.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/** Duration between two ISO timestamps in the one house style (`45s`, `1h 05m`, `2d 3h`). */
export function duration(fromIso: string, toIso: string): string {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return 'an unknown time';
  return formatDuration(ms);
}

/** Quotes a word for POSIX shells unless it is made of characters no shell treats specially. */
export function shellWord(word: string): string {
  // `#` may not lead: it would start a comment.
  return /^[A-Za-z0-9._:@%+=,/-][A-Za-z0-9._:#@%+=,/-]*$/.test(word)
    ? word
    : `'${word.replace(/'/g, `'\\''`)}'`;
}
