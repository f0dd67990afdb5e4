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
  /** `@aws-sdk/client-lambda` (verification's read-only calls). */
  lambda: () => require('@aws-sdk/client-lambda') as typeof import('@aws-sdk/client-lambda'),
  /** `@aws-sdk/client-api-gateway`. */
  apigateway: () =>
    require('@aws-sdk/client-api-gateway') as typeof import('@aws-sdk/client-api-gateway'),
  /** `@aws-sdk/client-apigatewayv2`. */
  apigatewayv2: () =>
    require('@aws-sdk/client-apigatewayv2') as typeof import('@aws-sdk/client-apigatewayv2'),
  /** `@aws-sdk/client-iam`. */
  iam: () => require('@aws-sdk/client-iam') as typeof import('@aws-sdk/client-iam'),
  /** `@aws-sdk/client-cloudtrail`. */
  cloudtrail: () =>
    require('@aws-sdk/client-cloudtrail') as typeof import('@aws-sdk/client-cloudtrail'),
  /** `@aws-sdk/client-sts`. */
  sts: () => require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts'),
} as const;
