import type {
  DiagnosisFacts,
  Reason,
  RootCause,
  VerificationCandidate,
  VerificationStatement,
  VerificationStatus,
} from '../types';
import type { CallRecorder } from './CallRecorder';

/** What one verification knows before its first call. */
export interface VerifyContext {
  readonly rec: CallRecorder;
  /** Account the reader's credentials are for. */
  readonly callerAccount: string;
  readonly partition: string;
  /** Region for resources the log places nowhere. */
  readonly defaultRegion: string | null;
  /** Epoch ms the failures were first seen (the check time when unknown). */
  readonly firstSeenMs: number;
}

/** How the exact fixes are rendered from a verdict. */
export type FixPlan =
  /** Grant in the resource-based policy with the verified function, qualifier and route. */
  | {
      readonly kind: 'grant';
      /** A statement that nearly matches and can be removed once the right one is added. */
      readonly stale: { readonly sid: string } | null;
    }
  /** An identity-based policy for this role or user. */
  | { readonly kind: 'identity'; readonly role: string | null; readonly user: string | null }
  | { readonly kind: 'guardrail'; readonly reason: Reason }
  | {
      readonly kind: 'deny';
      readonly reason: Reason;
      readonly policyArn: string | null;
      /** The denying inline policy and its document without the denying statements (null: none left). */
      readonly inline?: {
        readonly holder: 'role' | 'user';
        readonly name: string;
        readonly policyName: string;
        readonly sids: readonly string[];
        readonly remaining: string | null;
      } | null;
    }
  | { readonly kind: 'trust'; readonly roleArn: string }
  /** Function URLs: only the one statement of the pair that is missing. */
  | {
      readonly kind: 'url';
      readonly missing: 'url' | 'via-url';
      readonly authType: string;
    }
  | {
      readonly kind: 'stage-variable';
      readonly api: 'rest' | 'http';
      readonly apiId: string;
      readonly stage: string;
      readonly region: string;
      readonly names: readonly string[];
    }
  | { readonly kind: 'function-missing'; readonly functionArn: string; readonly what: string }
  /** Keep the log-based fixes. */
  | { readonly kind: 'keep' };

/** Where CloudTrail is asked for the change behind a verdict. */
export interface TrailQuery {
  readonly region: string;
  readonly resourceName: string;
}

/** What a check concluded, before evidence and time are attached. */
export interface CheckOutcome {
  readonly status: VerificationStatus;
  readonly rootCause: RootCause;
  readonly statement: VerificationStatement | null;
  readonly reason: string;
  /** Several failing targets, each with the facts and fix plan of its own diagnosis. */
  readonly candidates?: readonly (VerificationCandidate & {
    readonly enrich: Partial<Pick<DiagnosisFacts, 'kind' | 'function' | 'api' | 'roleArn'>>;
    readonly plan: FixPlan;
  })[];
  /** Facts the live account adds to (or corrects in) the diagnosis. */
  readonly enrich?: Partial<Pick<DiagnosisFacts, 'kind' | 'function' | 'api' | 'roleArn'>>;
  readonly fix: FixPlan;
  /** Resources whose recent changes explain the verdict. */
  readonly trail: readonly TrailQuery[];
}

/** An `unverifiable` outcome: the log-based diagnosis stays as it is. */
export function unverifiable(reason: string, trail: readonly TrailQuery[] = []): CheckOutcome {
  return {
    status: 'unverifiable',
    rootCause: 'unknown',
    statement: null,
    reason,
    fix: { kind: 'keep' },
    trail,
  };
}
