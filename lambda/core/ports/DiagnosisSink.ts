import type { Diagnosis } from '../types';

/** Context of one delivery, passed to the sink with its diagnoses. */
export interface DeliveryContext {
  /** Log group and owner of the delivered batch. */
  readonly logGroup: string | null;
  readonly owner: string | null;
  /** Epoch ms at which the delivery was processed. */
  readonly receivedAt: number;
}

/** Port: where diagnoses go after the engine (incident store + notifiers; a logger until then). */
export interface DiagnosisSink {
  accept(diagnoses: readonly Diagnosis[], context: DeliveryContext): Promise<void>;
}
