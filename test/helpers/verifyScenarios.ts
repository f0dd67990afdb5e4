/**
 * The nine verification scenarios, built in moto, each with the real log lines that report it:
 * shared by the deployed-composition test and the benchmark's call counts.
 */
import type { RootCause, VerificationStatus } from '../../lambda/core/types';
import { iamEvent, lambdaEvent, type SimulatedResult } from './cloudTrail';
import {
  executionLogGroup,
  functionUrlDenied,
  restErrorLevel,
  restInfoLevel,
  roleDenied,
  roleExplicitlyDenied,
} from './scenarioLogs';
import {
  ACCOUNT,
  addPermission,
  createFunctionUrl,
  createFunctionWith,
  createRestApiWith,
  createRoleWith,
  createUserWith,
  deleteFunction,
  functionArn,
  lambdaUri,
} from './verifyWorld';

/** A built scenario: where its lines are logged, the lines, and the verdict they must get. */
export interface BuiltScenario {
  readonly logGroup: string;
  readonly lines: readonly string[];
  readonly status: VerificationStatus;
  readonly rootCause: RootCause | null;
  /** CloudTrail records of the changes that led to it. */
  readonly history: readonly ReturnType<typeof lambdaEvent>[];
  /** Endpoint overrides the scenario needs (a service answering AccessDenied). */
  readonly deniedService?: 'lambda';
  /**
   * What IAM's policy simulation answers for the scenario's caller, per action (moto has no
   * simulation; the stand-in gives the decision the documented policies above lead to).
   */
  readonly simulation?: (action: string) => SimulatedResult;
}

/** A scenario to build under a unique name prefix. */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  build(prefix: string): Promise<BuiltScenario>;
}

const DEPLOYER = { account: ACCOUNT, userName: 'deployer' };
const OTHER_ACCOUNT = '210987654321';
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

async function restApiFor(prefix: string, uri: string, variables?: Record<string, string>) {
  const { apiId } = await createRestApiWith(
    prefix,
    [{ path: '/orders', method: 'GET', uri }],
    [{ name: 'prod', ...(variables ? { variables } : {}) }],
  );
  return executionLogGroup(apiId, 'prod');
}

/** Scenarios 1–9, each at the log level that shows it (ERROR where the log names no function). */
export const SCENARIOS: readonly Scenario[] = [
  {
    id: '1',
    title: 'no permission at all (ERROR level)',
    async build(p) {
      const fn = `${p}-orders`;
      await createFunctionWith(fn);
      const logGroup = await restApiFor(p, lambdaUri(functionArn(fn)));
      return {
        logGroup,
        lines: lines(restErrorLevel()),
        status: 'confirmed',
        rootCause: 'permission-missing',
        history: [lambdaEvent('CreateFunction20150331', fn, ago(7_200_000), DEPLOYER)],
      };
    },
  },
  {
    id: '2',
    title: 'a permission for another stage (INFO level)',
    async build(p) {
      const fn = `${p}-orders`;
      await createFunctionWith(fn);
      const logGroup = await restApiFor(p, lambdaUri(functionArn(fn)));
      const apiId = logGroup.split('_')[1]!.split('/')[0]!;
      await addPermission(fn, {
        sid: 'beta-only',
        sourceArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:${apiId}/beta/GET/orders`,
      });
      return {
        logGroup,
        lines: lines(restInfoLevel(functionArn(fn))),
        status: 'confirmed',
        rootCause: 'source-arn-mismatch',
        history: [],
      };
    },
  },
  {
    id: '3',
    title: 'an alias through a stage variable, permission on the unqualified function',
    async build(p) {
      const fn = `${p}-orders`;
      await createFunctionWith(fn, ['live']);
      const logGroup = await restApiFor(
        p,
        lambdaUri(`${functionArn(fn)}:\${stageVariables.alias}`),
        {
          alias: 'live',
        },
      );
      const apiId = logGroup.split('_')[1]!.split('/')[0]!;
      await addPermission(fn, {
        sid: 'unqualified',
        sourceArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:${apiId}/*/GET/orders`,
      });
      return {
        logGroup,
        lines: lines(restErrorLevel()),
        status: 'confirmed',
        rootCause: 'qualifier-mismatch',
        history: [],
      };
    },
  },
  {
    id: '4',
    title: 'the stage variable is missing',
    async build(p) {
      const fn = `${p}-orders`;
      await createFunctionWith(fn, ['live']);
      const logGroup = await restApiFor(
        p,
        lambdaUri(`${functionArn(fn)}:\${stageVariables.alias}`),
      );
      return {
        logGroup,
        lines: lines(restErrorLevel()),
        status: 'confirmed',
        rootCause: 'stage-variable-unresolved',
        history: [],
      };
    },
  },
  {
    id: '5',
    title: 'the function was deleted',
    async build(p) {
      const fn = `${p}-gone`;
      await createFunctionWith(fn);
      const logGroup = await restApiFor(p, lambdaUri(functionArn(fn)));
      await deleteFunction(fn);
      return {
        logGroup,
        lines: lines(restErrorLevel()),
        status: 'confirmed',
        rootCause: 'function-not-found',
        history: [lambdaEvent('DeleteFunction20150331', fn, ago(1_800_000), DEPLOYER)],
      };
    },
  },
  {
    id: '6',
    title: 'a function in another account, without credentials there',
    async build(p) {
      const logGroup = await restApiFor(
        p,
        lambdaUri(`arn:aws:lambda:us-east-1:${OTHER_ACCOUNT}:function:${p}-remote`),
      );
      return {
        logGroup,
        lines: lines(restErrorLevel()),
        status: 'unverifiable',
        rootCause: null,
        history: [],
      };
    },
  },
  {
    id: '7',
    title: 'a role caller with an explicit deny in an inline policy',
    async build(p) {
      const target = `${p}-target`;
      const role = `${p}-caller`;
      await createFunctionWith(target);
      await createRoleWith(role, {
        guardrail: {
          Version: '2012-10-17',
          Statement: [{ Sid: 'NoInvoke', Effect: 'Deny', Action: 'lambda:Invoke*', Resource: '*' }],
        },
      });
      return {
        logGroup: `/aws/lambda/${role}`,
        lines: lines(roleExplicitlyDenied(role, `${p}-session`, target)),
        status: 'confirmed',
        rootCause: 'explicit-deny',
        history: [
          iamEvent('PutRolePolicy', role, ago(600_000), DEPLOYER, { policyName: 'guardrail' }),
        ],
        simulation: () => ({
          decision: 'explicitDeny',
          matched: [{ policyId: 'guardrail', policyType: 'role' }],
        }),
      };
    },
  },
  {
    id: '7b',
    title: 'a role caller with no identity policy',
    async build(p) {
      const target = `${p}-target`;
      const role = `${p}-caller`;
      await createFunctionWith(target);
      await createRoleWith(role, {});
      return {
        logGroup: `/aws/lambda/${role}`,
        lines: lines(roleDenied(role, `${p}-session`, target)),
        status: 'confirmed',
        rootCause: 'identity-policy-missing',
        history: [],
        simulation: () => ({ decision: 'implicitDeny', matched: [] }),
      };
    },
  },
  {
    id: '8',
    title: 'a Function URL with only one of the two statements',
    async build(p) {
      const user = `${p}-user`;
      const target = `${p}-url`;
      await createFunctionWith(target);
      await createFunctionUrl(target, 'AWS_IAM');
      await createUserWith(user, {
        url: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'lambda:InvokeFunctionUrl', Resource: functionArn(target) },
          ],
        },
      });
      return {
        logGroup: `/aws/lambda/${p}-client`,
        lines: lines(functionUrlDenied(user, target)),
        status: 'confirmed',
        rootCause: 'function-url-needs-both',
        history: [],
        simulation: (action) =>
          action === 'lambda:InvokeFunctionUrl'
            ? { decision: 'allowed', matched: [{ policyId: 'url', policyType: 'user' }] }
            : { decision: 'implicitDeny', matched: [] },
      };
    },
  },
  {
    id: '9',
    title: 'the read calls are denied',
    async build(p) {
      const fn = `${p}-orders`;
      await createFunctionWith(fn);
      const logGroup = await restApiFor(p, lambdaUri(functionArn(fn)));
      return {
        logGroup,
        lines: lines(restInfoLevel(functionArn(fn))),
        status: 'unverifiable',
        rootCause: null,
        history: [],
        deniedService: 'lambda',
      };
    },
  },
];
