import { AccountReadError } from '../errors';
import type { AccountCallName, AccountCalls, AccountReader } from '../ports/AccountReader';
import type { VerificationEvidence } from '../types';
import { describeCall, describeFailure, describeResult } from './describeEvidence';

/** Most evidence lines kept on a verdict; the rest are counted (an incident item stays small). */
export const MAX_EVIDENCE = 40;

/**
 * Makes the calls of one verification through the port and writes each into the evidence, in
 * order, with its answer or its failure. The same call with the same parameters is made once. A
 * failure is rethrown as AccountReadError, which ends the verification as `unverifiable`, unless
 * the call was made with {@link optional}.
 */
export class CallRecorder {
  readonly evidence: VerificationEvidence[] = [];
  /** Calls beyond {@link MAX_EVIDENCE}, made but not listed. */
  dropped = 0;
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(private readonly reader: AccountReader) {}

  /** One call; its failure ends the verification. */
  call<N extends AccountCallName>(
    name: N,
    params: AccountCalls[N]['params'],
  ): Promise<AccountCalls[N]['result']> {
    const key = `${name} ${JSON.stringify(params)}`;
    const known = this.memo.get(key);
    if (known) return known as Promise<AccountCalls[N]['result']>;
    const line = describeCall(name, params);
    const done = this.reader.call(name, params).then(
      (result) => {
        this.note({ call: line, result: describeResult(name, result) });
        return result;
      },
      (error: unknown) => {
        const failure = asReadError(name, error);
        this.note({ call: line, result: describeFailure(failure.code, messageOf(failure)) });
        throw failure;
      },
    );
    this.memo.set(key, done);
    return done;
  }

  /** A call whose failure is an answer too ("not available here"): undefined instead of a throw. */
  async optional<N extends AccountCallName>(
    name: N,
    params: AccountCalls[N]['params'],
  ): Promise<
    { ok: true; value: AccountCalls[N]['result'] } | { ok: false; error: AccountReadError }
  > {
    try {
      return { ok: true, value: await this.call(name, params) };
    } catch (error) {
      return { ok: false, error: asReadError(name, error) };
    }
  }

  private note(line: VerificationEvidence): void {
    if (this.evidence.length < MAX_EVIDENCE) this.evidence.push(line);
    else this.dropped += 1;
  }
}

function messageOf(error: AccountReadError): string {
  const prefix = `${error.call}: ${error.code}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/** Any error of a port call as an AccountReadError naming the call. */
export function asReadError(call: string, error: unknown): AccountReadError {
  if (error instanceof AccountReadError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return new AccountReadError(call, name, message.replace(/\s+/g, ' ').slice(0, 300), {
    cause: error,
  });
}
