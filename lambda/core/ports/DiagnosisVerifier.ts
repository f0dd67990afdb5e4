import type { VerifiableDiagnosis } from '../verify/verifyDiagnosis';

/**
 * Port: checks a diagnosis against the live account (verifyDiagnosis behind a time budget and a
 * cache in the deployed responder). Never throws and never takes longer than its budget: a failure
 * or a timeout is an `unverifiable` verdict on the diagnosis it returns.
 */
export interface DiagnosisVerifier {
  verify<D extends VerifiableDiagnosis>(diagnosis: D): Promise<D>;
}
