import { Buffer } from 'node:buffer';
import type { Diagnosis, Fix } from '../types';

/** A diagnosis as an incident stores it: without the per-event evidence lists. */
export type StoredDiagnosis = Omit<Diagnosis, 'eventIds' | 'requestIds'>;

/**
 * Sizes (UTF-16 code units) every string of a stored diagnosis is cut to. A log line can be
 * 256 KiB (a 250,000-character request path), and every string copied from it would otherwise go
 * into the incident item, which DynamoDB caps at 400 KB: one such line failed every retry of its
 * delivery. With these caps the stored diagnosis stays under {@link DIAGNOSIS_BUDGET_BYTES}.
 */
export const STORED_LIMITS = {
  /** Any single fact: an ARN, a name, a path, a log group, an id. */
  field: 1024,
  summary: 2048,
  /** The sample line (the engine already cuts it to 500). */
  sample: 500,
  description: 4096,
  /** A longer command is not stored at all (a cut command may still run and do the wrong thing). */
  command: 4096,
  /** Each CloudFormation / Terraform / CDK snippet; a longer one is left out, never cut. */
  snippet: 8192,
  fixes: 6,
} as const;

/** Upper bound of a stored diagnosis as UTF-8 JSON; the rest of an incident item is a few KB. */
export const DIAGNOSIS_BUDGET_BYTES = 192 * 1024;

const MARKER = '… (cut to store)';

function cut(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = max - MARKER.length;
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return value.slice(0, end) + MARKER;
}

function field<T extends string | null | undefined>(value: T): T {
  return (typeof value === 'string' ? cut(value, STORED_LIMITS.field) : value) as T;
}

/** Every string of an object of facts, cut to the field limit (null and non-strings kept). */
function fields<T extends object | null>(value: T): T {
  if (value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = typeof v === 'string' ? field(v) : v;
  return out as T;
}

function boundFix(fix: Fix): Fix {
  const tooLong = fix.command !== null && fix.command.length > STORED_LIMITS.command;
  const description = tooLong
    ? `${fix.description} The command (${fix.command?.length} characters) is too long to store; run invoke-doctor diagnose on the sample line to see it.`
    : fix.description;
  const bounded: Fix = {
    kind: field(fix.kind),
    description: cut(description, STORED_LIMITS.description),
    command: tooLong ? null : fix.command,
  };
  // Snippets only come with a command, and are stored whole or not at all.
  if (bounded.command === null) return bounded;
  const snippets: { -readonly [K in 'cloudformation' | 'terraform' | 'cdk']?: string } = {};
  for (const key of ['cloudformation', 'terraform', 'cdk'] as const) {
    const snippet = fix[key];
    if (snippet !== undefined && snippet.length <= STORED_LIMITS.snippet) snippets[key] = snippet;
  }
  return { ...bounded, ...snippets };
}

function utf8Bytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * The diagnosis an incident stores, with every string cut to {@link STORED_LIMITS} (marked where
 * cut) and, should it still exceed {@link DIAGNOSIS_BUDGET_BYTES}, its snippets and then its later
 * fixes left out: an incident item can never reach DynamoDB's 400 KB limit because of what a log
 * line holds. The fingerprint was computed before, from the whole facts.
 */
export function boundDiagnosis(diagnosis: StoredDiagnosis): StoredDiagnosis {
  const bounded: StoredDiagnosis = {
    ...diagnosis,
    // Our own values (kinds, hashes) are short; cut anyway, so no string of the item is unbounded.
    kind: field(diagnosis.kind),
    action: field(diagnosis.action),
    reason: field(diagnosis.reason),
    fingerprint: field(diagnosis.fingerprint),
    callerTrust: field(diagnosis.callerTrust ?? null),
    principal: fields(diagnosis.principal),
    function: fields(diagnosis.function),
    api: fields(diagnosis.api),
    denyPolicyArn: field(diagnosis.denyPolicyArn),
    roleArn: field(diagnosis.roleArn),
    summary: cut(diagnosis.summary, STORED_LIMITS.summary),
    sample: cut(diagnosis.sample, STORED_LIMITS.sample),
    logGroup: field(diagnosis.logGroup),
    logStream: field(diagnosis.logStream ?? null),
    logOwner: field(diagnosis.logOwner ?? null),
    eventId: field(diagnosis.eventId ?? null),
    requestId: field(diagnosis.requestId ?? null),
    firstSeen: field(diagnosis.firstSeen),
    lastSeen: field(diagnosis.lastSeen),
    fixes: diagnosis.fixes.slice(0, STORED_LIMITS.fixes).map(boundFix),
  };
  if (utf8Bytes(bounded) <= DIAGNOSIS_BUDGET_BYTES) return bounded;
  const bare = bounded.fixes.map((fix) => ({
    kind: fix.kind,
    description: fix.description,
    command: fix.command,
  }));
  const withoutSnippets = { ...bounded, fixes: bare };
  if (utf8Bytes(withoutSnippets) <= DIAGNOSIS_BUDGET_BYTES) return withoutSnippets;
  return { ...withoutSnippets, fixes: bare.slice(0, 1) };
}
