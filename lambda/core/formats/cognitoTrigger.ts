import type { DiagnosisFacts, Principal } from '../types';
import type {
  FamilyScanner,
  Finding,
  FormatFamily,
  MessagePattern,
  ScannedEvent,
} from './FormatFamily';
import { UNKNOWN_FUNCTION } from './parseFunctionRef';

/**
 * The Lambda triggers of a Cognito user pool, as `LambdaConfig` names them and as Cognito prints
 * them in `<Trigger> invocation failed due to error AccessDeniedException`.
 */
export const COGNITO_TRIGGERS = [
  'PreSignUp',
  'CustomMessage',
  'PostConfirmation',
  'PreAuthentication',
  'PostAuthentication',
  'DefineAuthChallenge',
  'CreateAuthChallenge',
  'VerifyAuthChallengeResponse',
  'PreTokenGeneration',
  'UserMigration',
  'CustomSMSSender',
  'CustomEmailSender',
] as const;

/** One of {@link COGNITO_TRIGGERS}. */
export type CognitoTrigger = (typeof COGNITO_TRIGGERS)[number];

const BY_LOWER = new Map<string, CognitoTrigger>(
  COGNITO_TRIGGERS.map((trigger) => [trigger.toLowerCase(), trigger]),
);

const ROW: MessagePattern = {
  name: 'cognito-trigger-invoke-denied',
  kind: 'cognito-trigger-access-denied',
  // lower case on both sides of the trigger name: the same needle finds prose that lower-cases it
  needle: 'invocation failed due to error',
  marker: 'invocation failed due to error',
  regex: /\b([A-Za-z]+) invocation failed due to error AccessDeniedException\b/i,
  example:
    'UnexpectedLambdaException: PostConfirmation invocation failed due to error AccessDeniedException',
  yields: ['trigger', 'principal'],
};

const COGNITO: Principal = {
  arn: null,
  type: 'service',
  accountId: null,
  roleName: null,
  service: 'cognito-idp.amazonaws.com',
};

/** A Cognito user pool that could not invoke one of its triggers. */
export interface CognitoTriggerDenied {
  readonly pattern: string;
  readonly trigger: CognitoTrigger;
  readonly text: string;
}

/**
 * Every trigger failure in a message. Only `invocation failed due to error AccessDeniedException`
 * means Cognito could not invoke the function; `<Trigger> failed with error ...` means the function
 * ran and failed (its own AWS call may have been denied, which the IAM sentence family reads).
 */
function findDenied(message: string): CognitoTriggerDenied[] {
  if (!message.includes(ROW.marker)) return [];
  const found: CognitoTriggerDenied[] = [];
  const all = new RegExp(ROW.regex.source, 'gi');
  for (const match of message.matchAll(all)) {
    const trigger = BY_LOWER.get((match[1] ?? '').toLowerCase());
    if (trigger !== undefined) found.push({ pattern: ROW.name, trigger, text: match[0] });
  }
  return found;
}

function scanner(): FamilyScanner {
  const found: Finding[] = [];
  return {
    scan({ batch, event, eventId }: ScannedEvent): void {
      for (const denied of findDenied(event.message)) {
        const facts: DiagnosisFacts = {
          kind: 'cognito-trigger-access-denied',
          action: 'lambda:InvokeFunction',
          principal: COGNITO,
          // the message names neither the pool nor the function: nothing is guessed
          function: UNKNOWN_FUNCTION,
          api: null,
          reason: 'no-resource-policy',
          denyPolicyArn: null,
          roleArn: null,
          trigger: denied.trigger,
        };
        found.push({
          facts,
          eventId,
          timestamp: event.timestamp,
          requestId: null,
          text: denied.text,
          logGroup: batch.logGroup,
          logStream: batch.logStream,
          owner: batch.owner,
        });
      }
    },
    findings: () => found,
  };
}

/**
 * Amazon Cognito user pool triggers that Cognito could not invoke:
 * `PostConfirmation invocation failed due to error AccessDeniedException` (also lower-cased, also
 * after `UnexpectedLambdaException:`). The caller is the service principal cognito-idp.amazonaws.com;
 * the function and the pool are not in the message, so the fix says how to find them.
 */
export const cognitoTrigger = {
  name: 'cognito-trigger',
  rows: [ROW],
  find: (message: string): CognitoTriggerDenied[] => findDenied(message),
  scanner,
} as const satisfies FormatFamily;
