/**
 * Differential test against an independent evaluator. @cloud-copilot/iam-simulate is AGPL-3.0: it is
 * a devDependency used as a test-only oracle, imported from test/ and nowhere else (biome.json
 * forbids it outside test/). Random policies and requests of the modelled subset go to both; the two
 * must agree whenever invoke-doctor's evaluator gives a definite answer, except in the cases listed
 * in knownDivergence, where the AWS documentation sides with invoke-doctor.
 *
 * Inputs differ on purpose in one place: SCPs go to the oracle for IAM callers only. The oracle
 * applies SCPs given for a service principal too; AWS Organizations documents that "SCPs affect only
 * IAM users and roles that are managed by accounts that are part of the organization", and a service
 * principal has no such account, so evaluateInvokeAccess ignores SCPs for services.
 */
import { anonymousPrincipal, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import fc from 'fast-check';
import {
  evaluateInvokeAccess,
  type InvokeAccessResult,
} from '../../../lambda/core/verify/evaluateInvokeAccess';
import type { AccessRequest, ContextValue } from '../../../lambda/core/verify/types';
import {
  focusedStatementArb,
  identityStatementArb,
  requestArb,
  resourceStatementArb,
} from '../../helpers/policyArbitraries';

type Doc = { Version: string; Statement: Record<string, unknown>[] };

interface Case {
  readonly request: AccessRequest;
  readonly resourcePolicy: Doc | null;
  readonly identityPolicies: readonly Doc[];
  readonly boundary: Doc | null;
  /** Applied only when the caller is a role session. */
  readonly sessionPolicy: Doc | null;
  /** SCP levels from the root down; empty outside an organization. */
  readonly scps: readonly (readonly Doc[])[];
}

const FULL_ACCESS: Doc = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

/** Statements at random, and statements written for the request so that many apply or nearly. */
function statementsFor(request: AccessRequest, withPrincipal: boolean) {
  const random = withPrincipal ? resourceStatementArb : identityStatementArb;
  return fc
    .array(fc.oneof(random, focusedStatementArb(request, withPrincipal)), {
      minLength: 1,
      maxLength: 3,
    })
    .map((Statement): Doc => ({ Version: '2012-10-17', Statement }));
}

const caseArb: fc.Arbitrary<Case> = requestArb.chain((request) =>
  fc.record({
    request: fc.constant(request),
    resourcePolicy: fc.option(statementsFor(request, true), { nil: null, freq: 5 }),
    identityPolicies: fc.array(statementsFor(request, false), { maxLength: 2 }),
    boundary: fc.option(statementsFor(request, false), { nil: null, freq: 2 }),
    sessionPolicy: fc.option(statementsFor(request, false), { nil: null, freq: 3 }),
    scps: fc.oneof(
      fc.constant([]),
      fc.array(
        fc.oneof(
          fc.constant([FULL_ACCESS]),
          statementsFor(request, false).map((d) => [FULL_ACCESS, d]),
          statementsFor(request, false).map((d) => [d]),
        ),
        { minLength: 1, maxLength: 2 },
      ),
    ),
  }),
);

const isSession = (c: Case) =>
  c.request.principal.kind === 'aws' && c.request.principal.arn.includes(':assumed-role/');

const ORACLE_RESULT = {
  allow: 'Allowed',
  'explicit-deny': 'ExplicitlyDenied',
  'implicit-deny': 'ImplicitlyDenied',
} as const;

function contextForOracle(
  context: Readonly<Record<string, ContextValue>>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(context)) {
    if (value === null) continue;
    out[key] = typeof value === 'boolean' ? String(value) : (value as string | string[]);
  }
  return out;
}

function simulationOf(c: Case): Simulation {
  const p = c.request.principal;
  const iam = p.kind === 'aws';
  return {
    request: {
      principal:
        p.kind === 'anonymous' ? anonymousPrincipal : p.kind === 'service' ? p.service : p.arn,
      action: c.request.action,
      resource: { resource: c.request.resource, accountId: c.request.resource.split(':')[4]! },
      contextVariables: contextForOracle(c.request.context),
    },
    identityPolicies: iam
      ? c.identityPolicies.map((policy, i) => ({ name: `identity-${i}`, policy }))
      : [],
    serviceControlPolicies: iam
      ? c.scps.map((level, i) => ({
          orgIdentifier: i === 0 ? 'r-root' : `ou-${i}`,
          policies: level.map((policy, j) => ({ name: `scp-${i}-${j}`, policy })),
        }))
      : [],
    resourceControlPolicies: [],
    ...(c.resourcePolicy !== null ? { resourcePolicy: c.resourcePolicy } : {}),
    ...(isSession(c) && c.sessionPolicy !== null ? { sessionPolicy: c.sessionPolicy } : {}),
    ...(iam && c.boundary !== null
      ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: c.boundary }] }
      : {}),
  };
}

function mine(c: Case, ignoredKeys: readonly string[]): InvokeAccessResult {
  // Keys the oracle drops as not applicable to the action are absent for both evaluators.
  const context = { ...c.request.context };
  for (const key of ignoredKeys) context[key] = null;
  return evaluateInvokeAccess({
    request: { ...c.request, context },
    resourcePolicy: c.resourcePolicy,
    identityPolicies: c.identityPolicies.map((document, i) => ({
      name: `identity-${i}`,
      document,
    })),
    permissionsBoundary: c.boundary === null ? null : { name: 'boundary', document: c.boundary },
    sessionPolicies:
      isSession(c) && c.sessionPolicy !== null
        ? [{ name: 'session', document: c.sessionPolicy }]
        : [],
    scps: c.scps.map((level) => level.map((document, j) => ({ name: `scp-${j}`, document }))),
  });
}

/**
 * Where the oracle departs from the AWS documentation, with the documentation's words; these cases
 * are counted, not compared. Returns the reason, or undefined when the case must agree.
 */
function knownDivergence(
  c: Case,
  ignoredKeys: readonly string[],
  result: InvokeAccessResult,
  oracle: string,
): string | undefined {
  // IAM User Guide, "Session policies": "A resource-based policy can specify the ARN of the session
  // as a principal. [...] The resource-based policy permissions are not limited by the session
  // policy." The oracle lets any session policy without an Allow deny the request.
  const resourceStatements = result.layers.find((l) => l.layer === 'resource-policy')?.evaluation;
  const grantsToSession = result.decidedBy.every(
    (d) =>
      d.layer === 'resource-policy' &&
      resourceStatements?.statements[d.index]?.appliesAs?.exact === true,
  );
  if (
    result.decision === 'allow' &&
    oracle === 'ImplicitlyDenied' &&
    isSession(c) &&
    c.sessionPolicy !== null &&
    grantsToSession
  ) {
    return 'session-arn grant not limited by the session policy';
  }
  // A role ARN names one path. The oracle matches a session to a role ARN by account and role name
  // alone, so `role/team/ops` matches a session of `role/ops`. IAM role names are unique per account
  // and a Principal's role ARN is stored as the role's unique id, so a role ARN with another path
  // names no role this session belongs to. Rewriting the policies' role ARNs to the session's own
  // role, the oracle's view, must then give the oracle's answer.
  const p = c.request.principal;
  if (p.kind === 'aws' && p.roleArn !== undefined) {
    const name = p.roleArn.slice(p.roleArn.lastIndexOf('/') + 1);
    const account = p.accountId;
    const rewrite = (value: unknown): unknown => {
      if (typeof value === 'string') {
        const m = /^arn:aws:iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/.exec(value);
        return m && m[1] === account && m[2] === name ? p.roleArn : value;
      }
      if (Array.isArray(value)) return value.map(rewrite);
      if (typeof value === 'object' && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
      }
      return value;
    };
    const oracleView = rewrite(c) as Case;
    const again = mine(oracleView, ignoredKeys);
    const consistent =
      again.decision === 'cannot-tell'
        ? (again.allowed === false) === (oracle !== 'Allowed') || again.allowed === 'unknown'
        : ORACLE_RESULT[again.decision] === oracle;
    if (JSON.stringify(oracleView) !== JSON.stringify(c) && consistent) {
      return 'role ARN with another path than the session role';
    }
  }
  return undefined;
}

interface Tally {
  runs: number;
  oracleErrors: number;
  cannotTell: number;
  compared: Record<string, number>;
  divergences: Record<string, number>;
  disagreements: { case: Case; mine: string; oracle: string }[];
}

describe('differential test against @cloud-copilot/iam-simulate', () => {
  test('both evaluators agree whenever invoke-doctor gives a definite answer', async () => {
    // Arrange
    const tally: Tally = {
      runs: 0,
      oracleErrors: 0,
      cannotTell: 0,
      compared: {},
      divergences: {},
      disagreements: [],
    };
    // Act
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        tally.runs++;
        const oracle = await runSimulation(simulationOf(c), {});
        if (oracle.resultType !== 'single') {
          tally.oracleErrors++;
          return;
        }
        const ignoredKeys = oracle.result.ignoredContextKeys ?? [];
        const result = mine(c, ignoredKeys);
        if (result.decision === 'cannot-tell') {
          tally.cannotTell++;
          // Even undecided, a known "not allowed" must not be allowed by the oracle.
          if (result.allowed === false && oracle.overallResult === 'Allowed') {
            const divergence = knownDivergence(c, ignoredKeys, result, oracle.overallResult);
            if (divergence !== undefined) {
              tally.divergences[divergence] = (tally.divergences[divergence] ?? 0) + 1;
            } else {
              tally.disagreements.push({
                case: c,
                mine: 'denied (kind unknown)',
                oracle: 'Allowed',
              });
            }
          }
          return;
        }
        tally.compared[result.decision] = (tally.compared[result.decision] ?? 0) + 1;
        if (ORACLE_RESULT[result.decision] === oracle.overallResult) return;
        const divergence = knownDivergence(c, ignoredKeys, result, oracle.overallResult);
        if (divergence !== undefined) {
          tally.divergences[divergence] = (tally.divergences[divergence] ?? 0) + 1;
        } else {
          tally.disagreements.push({
            case: c,
            mine: result.decision,
            oracle: oracle.overallResult,
          });
        }
      }),
      // A fixed seed keeps the run and its coverage figures the same from one test run to the next.
      { numRuns: 3000, seed: 20251010 },
    );
    // Assert
    expect(tally.disagreements.slice(0, 3)).toEqual([]);
    expect(tally.oracleErrors).toBe(0);
    // The comparison means something only if every outcome occurs often.
    expect(tally.compared.allow).toBeGreaterThan(150);
    expect(tally.compared['explicit-deny']).toBeGreaterThan(150);
    expect(tally.compared['implicit-deny']).toBeGreaterThan(150);
    expect(tally.cannotTell).toBeLessThan(tally.runs / 2);
  });
});
