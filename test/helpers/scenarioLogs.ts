/**
 * Log lines of the verification scenarios: the real lines of test/events (see SOURCES.md) with the
 * names, account and region of a scenario's moto resources put in place of the published ones, so
 * that the engine reads exactly what AWS logs and verification finds the resources it names.
 */
import { fixture } from './fixture';
import { ACCOUNT, REGION } from './verifyWorld';

/** REST execution-log group of a stage: API Gateway names it after the API id and stage. */
export function executionLogGroup(apiId: string, stage: string): string {
  return `API-Gateway-Execution-Logs_${apiId}/${stage}`;
}

/** ERROR-level REST failure: the one line API Gateway logs (request id only). */
export function restErrorLevel(): string {
  return fixture('rest-execution-log/error-level-only.log');
}

/** INFO-level REST failure: `Sending request to …/functions/<arn>/invocations`, then the failure. */
export function restInfoLevel(functionArn: string): string {
  return fixture('rest-execution-log/invalid-permissions-info.log')
    .replace('arn:aws:lambda:<REGION>:<ACCOUNT_ID>:function:simple_regex_lambda', functionArn)
    .replace('lambda.<REGION>.amazonaws.com', `lambda.${REGION}.amazonaws.com`);
}

// The CDK workshop's denial (test/events/iam-sentence/no-identity-policy.log) and its names.
const WORKSHOP = {
  account: '458036673695',
  region: 'eu-central-1',
  role: 'CdkWorkshopStack-HelloHitCounterHitCounterHandlerSe-6m8GE1KfO4P6',
  session: 'CdkWorkshopStack-HelloHitCounterHitCounterHandlerD-GbRYSkrqPIYV',
  target: 'CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD',
};

/** A role's session denied lambda:InvokeFunction on a function, no identity-based policy allowing it. */
export function roleDenied(role: string, session: string, target: string): string {
  return fixture('iam-sentence/no-identity-policy.log')
    .replaceAll(WORKSHOP.account, ACCOUNT)
    .replaceAll(WORKSHOP.region, REGION)
    .replaceAll(WORKSHOP.role, role)
    .replaceAll(WORKSHOP.session, session)
    .replaceAll(WORKSHOP.target, target);
}

/**
 * The same denial with the explicit-deny reason clause, worded as IAM's catalogue of access-denied
 * messages writes it (docs/formats.md 1.14: "with an explicit deny in an identity-based policy").
 */
export function roleExplicitlyDenied(role: string, session: string, target: string): string {
  return roleDenied(role, session, target).replace(
    'because no identity-based policy allows the lambda:InvokeFunction action',
    'with an explicit deny in an identity-based policy',
  );
}

/** An IAM user denied lambda:InvokeFunctionUrl (test/events/iam-sentence/function-url-iam-user.json). */
export function functionUrlDenied(user: string, target: string): string {
  return fixture('iam-sentence/function-url-iam-user.json')
    .replace('user/ocel-edge', `user/${user}`)
    .replace('function:ocel-bootstrap-ImageOptimizer-xYz', `function:${target}`);
}
