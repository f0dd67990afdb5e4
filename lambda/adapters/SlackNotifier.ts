import { ConfigError, NotificationError } from '../core/errors';
import type { AlertDigest, Notification } from '../core/incidents/incident';
import type { Notifier } from '../core/ports/Notifier';
import { renderDigest } from '../core/render/renderDigest';
import { renderSlackMessage } from '../core/render/renderSlackMessage';

/** Where the incoming-webhook URL comes from (Secrets Manager in Lambda, a flag in replay). */
export interface WebhookUrlSource {
  /** Resolves the URL; implementations cache it. Throws ConfigError when it is missing or invalid. */
  get(): Promise<string>;
}

/** Tuning and test seams of {@link SlackNotifier}. */
export interface SlackNotifierOptions {
  readonly webhookUrl: WebhookUrlSource;
  /** HTTP client (default: global fetch). */
  readonly fetch?: typeof fetch;
  /** Waits between attempts (default: setTimeout); tests record the delays instead of waiting. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Attempts per send, the first included (default 3; the caller may retry the whole send too). */
  readonly maxAttempts?: number;
  /** First backoff ceiling in ms, doubled per attempt, equal jitter (default 500). */
  readonly baseDelayMs?: number;
  /** Longest wait we accept, also for `Retry-After` (default 10,000): longer means fail now, retry later. */
  readonly maxDelayMs?: number;
  /**
   * Per-request timeout in ms (default 10,000). A request that times out may still have been
   * posted, so it is never sent again: a slow webhook gets one alert, not one per retry.
   */
  readonly timeoutMs?: number;
  /** Jitter source in [0, 1) (default Math.random). */
  readonly random?: () => number;
}

const CHANNEL = 'slack';

/**
 * Network errors raised before the request was written (no connection, no such host, TLS refused):
 * Slack cannot have received it, so retrying cannot post it twice. Any other network error, a
 * timeout above all, may come after Slack took the request.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/**
 * Notifier posting Block Kit alerts to a Slack incoming webhook. An incoming webhook has no
 * idempotency key, so duplicates are avoided by never resending what Slack may have received: the
 * alert is claimed in the incident store before it is sent (one sender per notification), errors
 * that happen before the request goes out (connection refused, DNS, TLS) and answers that say it
 * was not posted (429, 5xx) are retried with jittered exponential backoff (`Retry-After` honoured),
 * other 4xx fail at once (the payload or the webhook is wrong), and a timeout or a connection lost
 * after sending is reported as possibly delivered: never retried, here or by the sweeper. The
 * webhook URL is a secret: it is never put in an error message, a log line or an error's cause.
 */
export class SlackNotifier implements Notifier {
  readonly channel = CHANNEL;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly random: () => number;

  constructor(private readonly options: SlackNotifierOptions) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.baseDelayMs = options.baseDelayMs ?? 500;
    // A Lambda invocation should not sleep for long: a longer Retry-After is left to the sweeper.
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.random = options.random ?? Math.random;
  }

  /** Posts the alert; throws NotificationError (with `retryable`) after the last failed attempt. */
  async send(notification: Notification): Promise<void> {
    await this.deliver(JSON.stringify(renderSlackMessage(notification)));
  }

  /** Posts an aggregated alert, with the same retry policy. */
  async sendDigest(digest: AlertDigest): Promise<void> {
    await this.deliver(JSON.stringify(renderDigest(digest).slack));
  }

  private async deliver(body: string): Promise<void> {
    const url = await this.resolveUrl();
    let lastProblem = 'no attempt made';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      const outcome = await this.post(url, body);
      if (outcome.ok) return;
      lastProblem = outcome.problem;
      if (outcome.mayHaveBeenDelivered) {
        throw new NotificationError(
          CHANNEL,
          `${outcome.problem}; Slack may have posted it, so it is not sent again`,
          { mayHaveBeenDelivered: true },
        );
      }
      if (!outcome.retryable) {
        throw new NotificationError(CHANNEL, `${outcome.problem}; not retried`, {
          retryable: false,
        });
      }
      if (attempt === this.maxAttempts) break;
      const delay = outcome.retryAfterMs ?? this.backoff(attempt);
      if (delay > this.maxDelayMs) {
        throw new NotificationError(
          CHANNEL,
          `${outcome.problem}; Retry-After ${Math.ceil(delay / 1000)} s is longer than ${this.maxDelayMs / 1000} s, left for a later retry`,
          { retryable: true },
        );
      }
      await this.sleep(delay);
    }
    throw new NotificationError(
      CHANNEL,
      `${lastProblem}; gave up after ${this.maxAttempts} attempts`,
      { retryable: true },
    );
  }

  private async resolveUrl(): Promise<string> {
    try {
      return await this.options.webhookUrl.get();
    } catch (error) {
      // A missing or malformed secret needs a person; a throttled or unreachable Secrets Manager
      // only needs time.
      const config = error instanceof ConfigError;
      const problem = config ? error.message : `cannot read the webhook URL (${errorName(error)})`;
      throw new NotificationError(CHANNEL, problem, { retryable: !config, cause: error });
    }
  }

  private async post(url: string, body: string): Promise<Outcome> {
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      // Only the error's name and code: fetch errors can carry the request URL.
      const notSent = NOT_SENT_CODES.has(errorCode(error));
      return {
        ok: false,
        retryable: notSent,
        mayHaveBeenDelivered: !notSent,
        problem: `${isTimeout(error) ? `no answer within ${this.timeoutMs / 1000} s` : 'network error'} (${errorName(error)})`,
      };
    }
    const text = await response.text().catch(() => '');
    if (response.ok) return { ok: true };
    const detail = describeBody(text, url);
    if (response.status === 429) {
      return {
        ok: false,
        retryable: true,
        problem: `HTTP 429 rate limited${detail}`,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
      };
    }
    const retryable = response.status >= 500 || response.status === 408;
    return { ok: false, retryable, problem: `HTTP ${response.status}${detail}` };
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }
}

type Outcome =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly retryable: boolean;
      /** The request went out and its fate is unknown (timeout, connection lost after sending). */
      readonly mayHaveBeenDelivered?: boolean;
      readonly problem: string;
      readonly retryAfterMs?: number | undefined;
    };

/** `Retry-After` in whole seconds, as Slack sends it; anything else falls back to our backoff. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  return undefined;
}

/** Slack answers errors with a short token such as `invalid_blocks` or `no_service`. */
function describeBody(text: string, url: string): string {
  const clean = text.split(url).join('[webhook]').replace(/\s+/g, ' ').trim().slice(0, 200);
  return clean ? ` (${clean})` : '';
}

/** The system or undici code of a fetch error (`cause.code`), or ''. */
function errorCode(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === 'string' ? code : '';
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

// Duck-typed: errors from fetch may come from another realm, where `instanceof Error` is false.
function errorName(error: unknown): string {
  const e = error as { name?: unknown; cause?: { code?: unknown } } | null;
  if (typeof e?.name !== 'string') return 'unknown error';
  const code = typeof e.cause?.code === 'string' ? `: ${e.cause.code}` : '';
  return `${e.name}${code}`;
}
