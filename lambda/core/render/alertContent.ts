import type { Incident, Notification, NotificationKind } from '../incidents/incident';
import type { DiagnosisKind, Fix, FixKind, Reason } from '../types';
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
  /** `problem: subject`. */
  readonly headline: string;
  readonly summary: string;
  /** One sentence on the incident's state: occurrences, new since last, duration. */
  readonly progress: string;
  /** Who / what / where (+ API route, log group, role, deny policy when known). */
  readonly facts: readonly AlertFact[];
  /** Occurrences and first / last seen (+ resolved at). */
  readonly timing: readonly AlertFact[];
  /** Fixes this kind of message shows: all for `opened`, the first for `update`, none for `resolved`. */
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
};

const STATUS: Readonly<Record<NotificationKind, { status: string; emoji: string }>> = {
  opened: { status: 'OPENED', emoji: '🚨' },
  update: { status: 'ONGOING', emoji: '🔁' },
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
  const fixes = kind === 'opened' ? d.fixes : kind === 'update' ? d.fixes.slice(0, 1) : [];
  return {
    kind,
    status,
    emoji,
    problem,
    subject,
    headline: `${problem}: ${subject}`,
    summary: d.summary.trim() || problem,
    progress: progressOf(notification),
    facts: factsOf(incident),
    timing: timingOf(notification),
    fixes: fixes.map(alertFix),
    showForms: kind === 'opened',
    sample: kind === 'resolved' ? '' : d.sample,
    incidentId: incident.id,
    reference: referenceOf(incident),
    historyCommand: `npx invoke-doctor incidents show ${shellWord(incident.id)}`,
  };
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
    { label: 'Who', value: p.type === 'unknown' ? who : `${who} (${p.type})` },
    {
      label: 'What',
      value: `${d.action ?? 'lambda:InvokeFunction'}: ${REASON_TEXT[d.reason] ?? d.reason}`,
    },
    { label: 'Where', value: whereOf(incident) },
  ];
  if (d.api) facts.push({ label: 'API route', value: routeOf(d.api) });
  if (d.logGroup) facts.push({ label: 'Log group', value: d.logGroup });
  if (d.roleArn) facts.push({ label: 'Role', value: d.roleArn });
  if (d.denyPolicyArn) facts.push({ label: 'Deny policy', value: d.denyPolicyArn });
  return facts;
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

function routeOf(api: NonNullable<Incident['diagnosis']['api']>): string {
  // an unknown method stays unknown: `ANY` would be a method the log never named
  const route = `${api.httpMethod ?? '(unknown method)'} ${api.resourcePath ?? '(unknown path)'}`;
  const where = [api.id ? `API ${api.id}` : null, api.stage ? `stage ${api.stage}` : null].filter(
    Boolean,
  );
  return where.length > 0 ? `${route} (${where.join(', ')})` : route;
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
  if (kind === 'resolved' && incident.resolvedAt) {
    timing.push({ label: 'Resolved', value: displayTime(incident.resolvedAt) });
  }
  return timing;
}

function progressOf(notification: Notification): string {
  const { incident, kind, newOccurrences } = notification;
  const total = plural(incident.occurrences, 'occurrence');
  const lasted = duration(incident.firstSeen, incident.lastSeen);
  if (kind === 'update') {
    return `${plural(newOccurrences, 'new occurrence')} since the last update, ${total} in total; failing for ${lasted}.`;
  }
  if (kind === 'resolved') {
    return `No occurrences since ${displayTime(incident.lastSeen)}. The outage lasted ${lasted} with ${total} in total.`;
  }
  const reopened = incident.previousIncidentId
    ? ` This happened before: previous incident ${incident.previousIncidentId}.`
    : '';
  return `${total} since ${displayTime(incident.firstSeen)}.${reopened}`;
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
