/**
 * AWS SDK modules loaded on first use. The responder's bundle leaves `@aws-sdk/*` to the runtime;
 * importing four clients at module load costs about 200 ms of cold start that a delivery may never
 * need (control messages, bad payloads, batches without a diagnosis), so adapters reach the SDK
 * through these getters. `require` stays a runtime call in the ESM bundle (its banner defines it
 * with createRequire) and Node caches each module after the first call.
 */
export const awsSdk = {
  /** `@aws-sdk/client-dynamodb`. */
  dynamodb: () => require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb'),
  /** `@aws-sdk/lib-dynamodb` (document client and commands). */
  documentClient: () => require('@aws-sdk/lib-dynamodb') as typeof import('@aws-sdk/lib-dynamodb'),
  /** `@aws-sdk/client-sns`. */
  sns: () => require('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns'),
  /** `@aws-sdk/client-secrets-manager`. */
  secretsManager: () =>
    require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager'),
} as const;
