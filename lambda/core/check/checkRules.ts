/**
 * The rules of `invoke-doctor check`, one row each. Ids are stable: SARIF, `--json`, the cdk-nag
 * pack and acknowledgements refer to them, so a rule is never renumbered, only added.
 */

/** How bad a finding is; `note` also carries every "cannot tell". */
export type CheckLevel = 'error' | 'warning' | 'note';

/** One rule. */
export interface CheckRule {
  readonly id: string;
  /** kebab-case name (SARIF `name`). */
  readonly name: string;
  readonly level: CheckLevel;
  /** One sentence: what the rule checks. */
  readonly summary: string;
  /** Why it matters, for SARIF `fullDescription` and the cdk-nag explanation. */
  readonly explanation: string;
}

/** Every rule, by id. */
export const CHECK_RULES = {
  IDC001: {
    id: 'IDC001',
    name: 'api-integration-grant',
    level: 'error',
    summary:
      'A REST, HTTP or WebSocket API Lambda integration without a credentials role needs a grant to apigateway.amazonaws.com whose source ARN covers the route and every stage.',
    explanation:
      'Without it API Gateway answers 500 ("Invalid permissions on Lambda function") and the function logs nothing.',
  },
  IDC002: {
    id: 'IDC002',
    name: 'authorizer-grant',
    level: 'error',
    summary:
      'A Lambda authorizer without a credentials role needs a grant to apigateway.amazonaws.com covering .../authorizers/<id>.',
    explanation:
      'Without it every request to a protected route fails with 500 before the integration runs; HTTP APIs built with SAM get no such grant unless EnableFunctionDefaultPermissions is true.',
  },
  IDC003: {
    id: 'IDC003',
    name: 'credentials-role',
    level: 'error',
    summary:
      'An integration or authorizer with a credentials role needs a role that trusts apigateway.amazonaws.com and allows lambda:InvokeFunction on the function.',
    explanation:
      'API Gateway assumes the role to invoke; a role it may not assume, or one without the permission, fails the call the same way as a missing grant.',
  },
  IDC004: {
    id: 'IDC004',
    name: 'stage-variable-target',
    level: 'error',
    summary:
      'An integration URI built from stage variables needs, in every stage, a value naming a function or alias that has its grant.',
    explanation:
      'Each stage invokes a different function or alias, and each one needs its own grant: a grant on the function does not cover its aliases.',
  },
  IDC005: {
    id: 'IDC005',
    name: 'function-url-grant',
    level: 'error',
    summary:
      'A function URL needs both lambda:InvokeFunctionUrl (with the URL auth type) and lambda:InvokeFunction (limited to calls through the URL) for its callers, including CloudFront origin access control.',
    explanation:
      'Since October 2025 new function URLs need both statements; with only one, every request gets 403.',
  },
  IDC006: {
    id: 'IDC006',
    name: 'service-caller-grant',
    level: 'error',
    summary:
      'An EventBridge rule target, SNS subscription, S3 notification, Cognito trigger, CloudWatch Logs subscription or IoT rule needs a grant to its service principal whose source ARN covers it.',
    explanation: 'These services fail silently: the function is never invoked and logs nothing.',
  },
  IDC007: {
    id: 'IDC007',
    name: 'external-function-grant',
    level: 'warning',
    summary:
      'A caller of a function the input does not define (imported, another stack or account) has no grant here; the function owner must add one.',
    explanation:
      "The grant lives in the function's resource-based policy, outside this template: deploying succeeds and the first call fails unless the owner adds it.",
  },
  IDC008: {
    id: 'IDC008',
    name: 'policy-size',
    level: 'warning',
    summary: "A function's resource-based policy is estimated above the 20 KB Lambda allows.",
    explanation:
      'The deploy fails when a permission pushes the policy over the limit; one grant per route is the usual cause, and a wildcard grant per API is the usual fix.',
  },
  IDC009: {
    id: 'IDC009',
    name: 'replaced-function',
    level: 'error',
    summary: 'A function is replaced while a grant on it is not recreated.',
    explanation:
      'Deleting the old function deletes its resource-based policy; a grant the deploy leaves untouched is gone afterwards while the plan or stack still lists it.',
  },
  IDC010: {
    id: 'IDC010',
    name: 'not-checked',
    level: 'note',
    summary:
      'Part of the input cannot be read statically (an API definition in S3, a route whose integration lives elsewhere, a source that cannot be resolved), so its callers are not checked.',
    explanation:
      'Reported so that nothing is passed silently: check those callers once deployed, or inline what the check cannot read.',
  },
} as const satisfies Record<string, CheckRule>;

/** A rule id. */
export type CheckRuleId = keyof typeof CHECK_RULES;

/** Rule ids in order. */
export const CHECK_RULE_IDS = Object.keys(CHECK_RULES) as CheckRuleId[];
