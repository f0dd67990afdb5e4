import type { Reason } from '../types';

/** The reason clause of an IAM denial. */
export interface ParsedReason {
  readonly reason: Reason;
  /** Policy ARN named after an explicit deny (`: arn:aws:organizations::...:policy/...`). */
  readonly denyPolicyArn: string | null;
  /** Characters of the input the clause used (0 when there is none). */
  readonly length: number;
}

/** IAM's clause wordings (IAM user guide, "Troubleshooting access denied error messages"). */
const REASON_TABLE: ReadonlyArray<{ readonly pattern: RegExp; readonly reason: Reason }> = [
  {
    pattern: /^because no identity-based polic(?:y|ies)(?: allows? the [\w:*-]+ action)?/,
    reason: 'no-identity-policy',
  },
  {
    pattern: /^because no resource-based polic(?:y|ies)(?: allows? the [\w:*-]+ action)?/,
    reason: 'no-resource-policy',
  },
  {
    pattern: /^because no permissions boundar(?:y|ies)(?: allows? the [\w:*-]+ action)?/,
    reason: 'no-permissions-boundary',
  },
  {
    pattern: /^because no sessions? polic(?:y|ies)(?: allows? the [\w:*-]+ action)?/,
    reason: 'no-session-policy',
  },
  {
    pattern: /^because no VPC endpoint polic(?:y|ies)(?: allows? the [\w:*-]+ action)?/,
    reason: 'no-vpc-endpoint-policy',
  },
  {
    pattern: /^with an explicit deny in an? service control policy/,
    reason: 'explicit-deny-scp',
  },
  {
    pattern: /^with an explicit deny in an? resource control policy/,
    reason: 'explicit-deny-rcp',
  },
  {
    pattern: /^with an explicit deny in an? identity-based policy/,
    reason: 'explicit-deny-identity-policy',
  },
  {
    pattern: /^with an explicit deny in an? resource-based policy/,
    reason: 'explicit-deny-resource-policy',
  },
  {
    pattern: /^with an explicit deny in an? permissions boundary/,
    reason: 'explicit-deny-permissions-boundary',
  },
  {
    // the IAM guide itself prints "sessions policy" once
    pattern: /^with an explicit deny in an? sessions? policy/,
    reason: 'explicit-deny-session-policy',
  },
  {
    pattern: /^with an explicit deny in an? VPC endpoint policy/,
    reason: 'explicit-deny-vpc-endpoint-policy',
  },
  { pattern: /^with an explicit deny/, reason: 'explicit-deny' },
];

const DENY_POLICY = /^: (arn:aws[a-z-]*:[a-z0-9-]+:[^\s"'\\)\]},;]*)/;

const NONE: ParsedReason = { reason: 'unspecified', denyPolicyArn: null, length: 0 };

/**
 * Reads the reason clause at the start of `text` (the text right after the action or resource,
 * leading spaces already removed). Anything after the clause is ignored.
 */
export function parseReason(text: string): ParsedReason {
  const head = text.charCodeAt(0);
  // 'b' (because) or 'w' (with): anything else has no clause, without running a regex
  if (head !== 98 && head !== 119) return NONE;
  for (const row of REASON_TABLE) {
    const match = row.pattern.exec(text);
    if (match === null) continue;
    let length = match[0].length;
    let denyPolicyArn: string | null = null;
    if (row.reason.startsWith('explicit-deny')) {
      const policy = DENY_POLICY.exec(text.slice(length));
      if (policy?.[1] !== undefined) {
        denyPolicyArn = policy[1];
        length += policy[0].length;
      }
    }
    return { reason: row.reason, denyPolicyArn, length };
  }
  return NONE;
}
