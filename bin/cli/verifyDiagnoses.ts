import { AwsAccountReader } from '../../lambda/adapters/AwsAccountReader';
import { awsSdk } from '../../lambda/adapters/awsSdk';
import { buildVerifier } from '../../lambda/adapters/buildVerifier';
import type { GrantTrust } from '../../lambda/core/fixes/callerTrust';
import type { VerifiableDiagnosis } from '../../lambda/core/verify/verifyDiagnosis';
import type { AwsOptions } from './awsClientConfig';

/** A verification run's total budget per diagnosis: a person waits, but not forever. */
const CLI_BUDGET_MS = 30_000;

/**
 * Verifies diagnoses one after the other with the caller's credentials (standard chain, or the
 * named profile) and Region (flag, then AWS_REGION or the profile's). Failures, missing
 * credentials included, become `unverifiable` verdicts naming the call; nothing is thrown, so the
 * diagnoses are always printed.
 */
export async function verifyDiagnoses<D extends VerifiableDiagnosis>(
  diagnoses: readonly D[],
  options: AwsOptions & { readonly trust?: GrantTrust | undefined },
): Promise<D[]> {
  const region = options.region ?? (await defaultRegion(options.profile));
  const reader = new AwsAccountReader({ region, profile: options.profile, maxAttempts: 3 });
  const verifier = buildVerifier({ reader, region, budgetMs: CLI_BUDGET_MS, trust: options.trust });
  try {
    const out: D[] = [];
    for (const d of diagnoses) out.push(await verifier.verify(d));
    return out;
  } finally {
    reader.destroy();
  }
}

/** The Region the SDK would use (AWS_REGION, the profile's), or undefined when none is set. */
async function defaultRegion(profile: string | undefined): Promise<string | undefined> {
  const client = new (awsSdk.sts().STSClient)(profile ? { profile } : {});
  try {
    return await client.config.region();
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}
