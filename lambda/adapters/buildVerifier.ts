import type { GrantTrust } from '../core/fixes/callerTrust';
import type { AccountReader } from '../core/ports/AccountReader';
import type { DiagnosisVerifier } from '../core/ports/DiagnosisVerifier';
import { type VerifiableDiagnosis, verifyDiagnosis } from '../core/verify/verifyDiagnosis';
import {
  AwsAccountReader,
  type AwsAccountReaderOptions,
  type CallOptions,
} from './AwsAccountReader';

/** How long the responder lets one verification take before the alert goes out without it. */
export const VERIFY_BUDGET_MS = 2_500;
/** How long a verdict is reused for the same fingerprint in one container. */
export const VERDICT_CACHE_MS = 60_000;

/** Options of {@link buildVerifier}. */
export interface VerifierOptions extends AwsAccountReaderOptions {
  /** Time budget of one verification (default {@link VERIFY_BUDGET_MS}). */
  readonly budgetMs?: number;
  /** Reuse a verdict for the same fingerprint for this long (default 0: never). */
  readonly cacheMs?: number;
  /** Clock (default Date.now). */
  readonly now?: () => number;
  /** Callers' accounts that may get a runnable grant (default: the trust each diagnosis implies). */
  readonly trust?: GrantTrust | undefined;
  /** The reader (default an AwsAccountReader with these options). */
  readonly reader?: (AccountReader & { call: AwsAccountReader['call'] }) | undefined;
}

/**
 * The DiagnosisVerifier of the deployed functions and the CLI: verifyDiagnosis over an
 * AwsAccountReader, within a time budget (the reader's requests are aborted when it runs out, and
 * the verdict is then `unverifiable` with that reason, so an alert is never held longer), with an
 * optional per-container cache of verdicts by fingerprint. The reader, its SDK clients and the
 * caller identity are created once and kept for the container's life.
 */
export function buildVerifier(options: VerifierOptions = {}): DiagnosisVerifier {
  const reader = options.reader ?? new AwsAccountReader(options);
  const budget = options.budgetMs ?? VERIFY_BUDGET_MS;
  const cacheMs = options.cacheMs ?? 0;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; diagnosis: VerifiableDiagnosis }>();
  const defaultRegion = options.region ?? null;

  return {
    async verify<D extends VerifiableDiagnosis>(diagnosis: D): Promise<D> {
      const started = now();
      const hit = cacheMs > 0 ? cache.get(diagnosis.fingerprint) : undefined;
      if (hit && started - hit.at < cacheMs) {
        return { ...diagnosis, ...pickVerified(hit.diagnosis) } as D;
      }
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), budget);
      const bounded: AccountReader = {
        call: (name, params) =>
          reader.call(name, params, { abortSignal: abort.signal } satisfies CallOptions),
      };
      try {
        const verified = await verifyDiagnosis(diagnosis, {
          reader: bounded,
          now: started,
          defaultRegion,
          trust: options.trust,
        });
        if (cacheMs > 0) {
          cache.set(diagnosis.fingerprint, { at: started, diagnosis: verified });
          for (const [key, entry] of cache) if (started - entry.at >= cacheMs) cache.delete(key);
        }
        return verified;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** What a verdict adds to a diagnosis, to apply to another delivery of the same fingerprint. */
function pickVerified(d: VerifiableDiagnosis): Partial<VerifiableDiagnosis> {
  return {
    kind: d.kind,
    function: d.function,
    api: d.api,
    summary: d.summary,
    fixes: d.fixes,
    verification: d.verification ?? null,
  };
}
