import type { ElementFinding, StatementElement } from './types';

/**
 * An {@link ElementFinding} whose sentence is written only when read: a template with hundreds of
 * statements yields a finding for nearly every statement, and most are never shown.
 */
class LazyFinding implements ElementFinding {
  readonly #describe: () => string;
  #message: string | undefined;

  constructor(
    readonly element: StatementElement,
    readonly result: false | 'unknown',
    readonly subject: string,
    readonly expected: readonly string[],
    readonly actual: ElementFinding['actual'],
    describe: () => string,
  ) {
    this.#describe = describe;
  }

  get message(): string {
    this.#message ??= this.#describe();
    return this.#message;
  }

  /** Serialises with the sentence, as a plain finding would. */
  toJSON(): ElementFinding {
    const { element, result, subject, expected, actual, message } = this;
    return { element, result, subject, expected, actual, message };
  }
}

/** Builds a finding whose `message` is computed on first read. */
export function lazyFinding(
  element: StatementElement,
  result: false | 'unknown',
  subject: string,
  expected: readonly string[],
  actual: ElementFinding['actual'],
  describe: () => string,
): ElementFinding {
  return new LazyFinding(element, result, subject, expected, actual, describe);
}
