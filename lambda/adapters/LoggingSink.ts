import type { Logger } from '@aws-lambda-powertools/logger';
import type { DeliveryContext, DiagnosisSink } from '../core/ports/DiagnosisSink';
import type { Diagnosis } from '../core/types';

/** Log message of every diagnosis record: `filter message = "diagnosis"` in Logs Insights. */
export const DIAGNOSIS_MESSAGE = 'diagnosis';

/**
 * DiagnosisSink that writes each diagnosis as one structured JSON log record (Powertools Logger):
 * the whole Diagnosis under `diagnosis`, plus `kind`, `fingerprint` and `summary` at the top level
 * for filtering. The default sink until incidents are configured.
 */
export class LoggingSink implements DiagnosisSink {
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Logs each diagnosis; never throws for well-formed diagnoses. */
  async accept(diagnoses: readonly Diagnosis[], context: DeliveryContext): Promise<void> {
    for (const diagnosis of diagnoses) {
      this.#logger.info(DIAGNOSIS_MESSAGE, {
        kind: diagnosis.kind,
        fingerprint: diagnosis.fingerprint,
        summary: diagnosis.summary,
        delivery: context,
        diagnosis,
      });
    }
  }
}
