import type { FILTER_TERMS } from '../constants';
import type { DiagnosisKind } from '../types';

/** Which matcher reads a variant's fields. */
export type PatternFamily = 'iam' | 'rest' | 'http';

/** One message variant the engine recognises. */
export interface MessagePattern {
  /** Variant name; its fixture lives under test/events/ with the same name. */
  readonly name: string;
  readonly family: PatternFamily;
  readonly kind: DiagnosisKind;
  /** The subscription-filter term that streams this variant (one of FILTER_TERMS). */
  readonly needle: (typeof FILTER_TERMS)[number];
  /** Literal that selects the variant once the needle matched (contains the needle). */
  readonly marker: string;
  /** Regex that pins the variant and captures its fields. */
  readonly regex: RegExp;
  /** A real line of this variant (see test/events/SOURCES.md). */
  readonly example: string;
  /** Facts the variant yields by itself, before correlation. */
  readonly yields: readonly string[];
}

/**
 * Every message variant the engine diagnoses. Adding a variant is adding a row here plus a fixture;
 * the matchers walk this table. REST rows yield little by themselves: the function and route come
 * from correlation by request id (correlateApiGateway).
 */
export const PATTERNS: readonly MessagePattern[] = [
  {
    name: 'iam-invoke-denied',
    family: 'iam',
    kind: 'invoke-access-denied',
    needle: 'lambda:InvokeFunction',
    marker: ' not authorized to perform: lambda:InvokeFunction',
    regex: /is not authorized to perform: (lambda:InvokeFunction(?:Url)?)\b/,
    example:
      'An error occurred (AccessDeniedException) when calling the Invoke operation: User: arn:aws:iam::302651359699:user/jasonQ is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-west-2:302651359699:function:CreateThumbnail',
    yields: ['action', 'principal', 'function', 'reason', 'denyPolicyArn'],
  },
  {
    name: 'rest-invalid-permissions',
    family: 'rest',
    kind: 'apigw-invalid-permissions',
    needle: 'Invalid permissions on Lambda function',
    marker: 'Invalid permissions on Lambda function',
    regex: /Execution failed due to configuration error: Invalid permissions on Lambda function/,
    example:
      '(f3ce6e03-582b-11e8-8f3a-cfe9e4701f18) Execution failed due to configuration error: Invalid permissions on Lambda function',
    yields: ['requestId'],
  },
  {
    name: 'rest-cannot-assume-role',
    family: 'rest',
    kind: 'apigw-cannot-assume-role',
    needle: 'does not have permission to assume the provided role',
    marker: 'does not have permission to assume the provided role',
    regex:
      /does not have permission to assume the provided role(?: (arn:aws[a-z-]*:iam::[^\s"'\\)\]},;]+))?/,
    example:
      'Wed Jun 07 17:58:56 UTC 2023 : Execution failed due to configuration error: API Gateway does not have permission to assume the provided role arn:aws:iam::770646514888:role/lambda_execution_role_Authorize-Registrations-Lambda',
    yields: ['requestId', 'roleArn'],
  },
  {
    name: 'http-integration-permissions',
    family: 'http',
    kind: 'http-api-integration-permissions',
    needle: 'have permissions to call the',
    marker: 'have permissions to call the integration',
    regex:
      /The IAM role configured on the integration or API Gateway doesn['’]t have permissions to call the integration/,
    example:
      '64.136.145.109 - - [15/Feb/2023:23:08:37 +0000] "GET $default HTTP/1.1" 500 35 AZzecgvEPHcEPew= The IAM role configured on the integration or API Gateway doesn\'t have permissions to call the integration. Check the permissions and try again.',
    yields: ['requestId', 'httpMethod', 'resourcePath'],
  },
  {
    name: 'http-authorizer-permissions',
    family: 'http',
    kind: 'http-api-authorizer-permissions',
    needle: 'have permissions to call the',
    marker: 'have permissions to call the authorizer',
    regex:
      /The IAM role configured on the authorizer or API Gateway doesn['’]t have permissions to call the authorizer/,
    example:
      '"authorizerError": "The IAM role configured on the authorizer or API Gateway doesn’t have permissions to call the authorizer. Check the permissions and try again"',
    yields: ['requestId', 'httpMethod', 'resourcePath'],
  },
];
