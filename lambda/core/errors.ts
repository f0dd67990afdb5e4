/** Typed errors thrown by the core and adapters; only the CLI error handler turns them into exit codes. */

/** Base class of every error invoke-doctor throws on purpose. */
export class InvokeDoctorError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvokeDoctorError';
  }
}

/** Input that cannot be decoded: bad base64, not gzip, not JSON, wrong shape, unreadable file. */
export class InvalidPayloadError extends InvokeDoctorError {
  override readonly exitCode = 2;
  /** Short machine-readable reason, e.g. `not-gzip`, `bad-base64`, `not-json`, `bad-shape`, `unreadable`. */
  readonly reason: string;
  constructor(reason: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidPayloadError';
    this.reason = reason;
  }
}

/** Invalid configuration (CDK context, CLI flags); the message names the bad field. */
export class ConfigError extends InvokeDoctorError {
  override readonly exitCode = 2;
  readonly field: string;
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(`${field}: ${message}`, options);
    this.name = 'ConfigError';
    this.field = field;
  }
}

/** A notification channel failed after its retries. */
export class NotificationError extends InvokeDoctorError {
  readonly channel: string;
  readonly retryable: boolean;
  /**
   * True when the request may have reached the channel (a timeout after it was sent): sending it
   * again could post a duplicate, so it is not retried.
   */
  readonly mayHaveBeenDelivered: boolean;
  constructor(
    channel: string,
    message: string,
    options?: { cause?: unknown; retryable?: boolean; mayHaveBeenDelivered?: boolean },
  ) {
    super(`${channel}: ${message}`, options);
    this.name = 'NotificationError';
    this.channel = channel;
    this.mayHaveBeenDelivered = options?.mayHaveBeenDelivered ?? false;
    this.retryable = !this.mayHaveBeenDelivered && (options?.retryable ?? true);
  }
}

/** A policy document that is not one IAM would accept: not JSON, wrong shape, unknown element. */
export class InvalidPolicyError extends InvokeDoctorError {
  override readonly exitCode = 2;
  /** Short machine-readable reason: `not-json`, `bad-encoding`, `too-large`, `bad-shape`. */
  readonly reason: string;
  /** Where in the document the problem is, e.g. `Statement[2].Effect`; empty for the whole text. */
  readonly path: string;
  constructor(reason: string, path: string, message: string, options?: { cause?: unknown }) {
    super(path === '' ? message : `${path}: ${message}`, options);
    this.name = 'InvalidPolicyError';
    this.reason = reason;
    this.path = path;
  }
}

/** A read-only AWS call made to verify a diagnosis failed (denied, throttled, timed out, no credentials). */
export class AccountReadError extends InvokeDoctorError {
  /** The call, `service:Operation` (e.g. `lambda:GetPolicy`). */
  readonly call: string;
  /** The service's error code (`AccessDeniedException`, `ThrottlingException`, `TimeoutError`, ...). */
  readonly code: string;
  constructor(call: string, code: string, message: string, options?: { cause?: unknown }) {
    super(`${call}: ${code}: ${message}`, options);
    this.name = 'AccountReadError';
    this.call = call;
    this.code = code;
  }
}
