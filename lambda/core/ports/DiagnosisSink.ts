import type { Diagnosis } from '../types';

/** Context of one delivery, passed to the sink with its diagnoses. */
export interface DeliveryContext {
  /** Log group and owner of the delivered batch. */
  readonly logGroup: string | null;
  readonly owner: string | null;
  /**
   * Account the delivery's incidents belong to, for a responder that serves many accounts: it is
   * part of every incident key. Absent for a single-account responder, whose keys stay as they were.
   */
  readonly account?: string;
  /** Epoch ms at which the delivery was processed. */
  readonly receivedAt: number;
}

/** Port: where diagnoses go after the engine (incident store + notifiers; a logger until then). */
export interface DiagnosisSink {
  accept(diagnoses: readonly Diagnosis[], context: DeliveryContext): Promise<void>;
}
