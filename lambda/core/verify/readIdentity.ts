import type { IamHolder } from '../ports/AccountReader';
import type { CallRecorder } from './CallRecorder';
import type { NamedPolicy } from './evaluateInvokeAccess';

/** A role or user whose identity-based policies decide an invoke. */
export interface IdentityToRead {
  readonly kind: 'role' | 'user';
  readonly name: string;
}

/** The requests the identity side is asked about. */
export interface IdentityQuestion {
  /** The actions the request needs (a function URL call needs two). */
  readonly actions: readonly string[];
  /** The function ARN as invoked (qualified when it is). */
  readonly resourceArn: string;
  /** Known string values of condition keys, passed to the simulation. */
  readonly context: Readonly<Record<string, string>>;
}

/** The identity side of one invoke, as read from IAM. */
export interface IdentitySide {
  /** The role's or user's ARN with its path. */
  readonly arn: string;
  /** Policies to evaluate; the simulation's decisions as policies when IAM simulated them. */
  readonly identityPolicies: readonly NamedPolicy[] | undefined;
  readonly permissionsBoundary: NamedPolicy | null | undefined;
  /** Roles: the trust policy (URL-encoded as IAM returns it). */
  readonly trustPolicy: string | null;
  /** How the decision was reached, for the verdict's reason. */
  readonly note: string;
}

/** Most policy documents read for one identity before giving up (each is one or two calls). */
const MAX_DOCUMENTS = 12;

const SIMULATION = 'IAM policy simulation';

function statementFor(effect: 'Allow' | 'Deny', actions: readonly string[]) {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: `Simulated${effect}`, Effect: effect, Action: [...actions], Resource: '*' }],
  };
}

/**
 * Reads what IAM weighs on the caller's side: GetRole/GetUser (ARN with path, boundary, trust),
 * then IAM's own policy simulation of the actions, which sees every identity-based policy, the
 * boundary and the organization's SCPs in one call. Its decisions become policies the evaluator
 * combines with the resource-based policy: an Allow of the allowed actions, the matched policy
 * itself for an explicit deny (read to name the statement), a boundary without the actions it
 * blocks. Where the simulation is not available (not allowed, or an emulator without it), the
 * inline and attached policies (and a user's groups') and the boundary are read and evaluated
 * locally. Null when the role or user does not exist.
 */
export async function readIdentity(
  rec: CallRecorder,
  who: IdentityToRead,
  question: IdentityQuestion,
): Promise<IdentitySide | null> {
  const info =
    who.kind === 'role'
      ? await rec.call('iam:GetRole', { roleName: who.name })
      : await rec.call('iam:GetUser', { userName: who.name });
  if (info === null) return null;
  const simulated = await rec.optional('iam:SimulatePrincipalPolicy', {
    policySourceArn: info.arn,
    actions: question.actions,
    resourceArn: question.resourceArn,
    context: question.context,
  });
  const base = { arn: info.arn, trustPolicy: info.trustPolicy };
  if (simulated.ok) {
    const results = simulated.value;
    const allowed = results.filter((r) => r.decision === 'allowed').map((r) => r.action);
    const blocked = results
      .filter(
        (r) =>
          r.decision === 'implicitDeny' &&
          r.allowedByBoundary === false &&
          info.permissionsBoundaryArn !== null,
      )
      .map((r) => r.action);
    const policies: NamedPolicy[] = [];
    if (allowed.length + blocked.length > 0) {
      policies.push({
        name: SIMULATION,
        document: statementFor('Allow', [...allowed, ...blocked]),
      });
    }
    for (const r of results.filter((x) => x.decision === 'explicitDeny')) {
      const matched = r.matched.find((m) => m.policyType !== 'none') ?? r.matched[0];
      const document = matched
        ? await readDocument(rec, who.kind, who.name, matched.policyId)
        : undefined;
      const name =
        matched?.policyId ??
        (r.allowedByOrganizations === false ? 'service control policy' : SIMULATION);
      if (policies.some((p) => p.name === name)) continue;
      policies.push({ name, document: document ?? statementFor('Deny', [r.action]) });
    }
    return {
      ...base,
      identityPolicies: policies,
      permissionsBoundary:
        blocked.length > 0
          ? {
              name: info.permissionsBoundaryArn!,
              // The simulator's answer for the boundary: everything but the actions it blocks.
              document: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', NotAction: blocked, Resource: '*' }],
              },
            }
          : null,
      note: `IAM's policy simulation of ${info.arn}: ${results.map((r) => `${r.action} ${r.decision}`).join(', ')}.`,
    };
  }

  const holders: { holder: IamHolder; name: string }[] = [{ holder: who.kind, name: who.name }];
  if (who.kind === 'user') {
    for (const group of await rec.call('iam:ListGroupsForUser', { userName: who.name })) {
      holders.push({ holder: 'group', name: group });
    }
  }
  const policies: NamedPolicy[] = [];
  let budget = MAX_DOCUMENTS;
  let complete = true;
  for (const h of holders) {
    for (const policyName of await rec.call('iam:ListInlinePolicies', h)) {
      if (budget-- <= 0) {
        complete = false;
        break;
      }
      const doc = await rec.call('iam:GetInlinePolicy', { ...h, policyName });
      if (doc) policies.push({ name: policyName, document: doc.document });
    }
    for (const policyArn of await rec.call('iam:ListAttachedPolicies', h)) {
      if (budget-- <= 0) {
        complete = false;
        break;
      }
      const doc = await readManaged(rec, policyArn);
      if (doc) policies.push({ name: policyArn, document: doc });
    }
  }
  let boundary: NamedPolicy | null | undefined = null;
  if (info.permissionsBoundaryArn !== null) {
    const doc = await readManaged(rec, info.permissionsBoundaryArn);
    boundary = doc === undefined ? undefined : { name: info.permissionsBoundaryArn, document: doc };
  }
  const why = simulated.error.code;
  return {
    ...base,
    identityPolicies: complete ? policies : undefined,
    permissionsBoundary: boundary,
    note: complete
      ? policies.length === 0
        ? `IAM's policy simulation was not available (${why}); the caller has no identity-based policies.`
        : `IAM's policy simulation was not available (${why}); the caller's ${policies.length} identity-based ${policies.length === 1 ? 'policy was' : 'policies were'} evaluated locally.`
      : `IAM's policy simulation was not available (${why}) and the caller has more than ${MAX_DOCUMENTS} policies to read.`,
  };
}

async function readManaged(rec: CallRecorder, policyArn: string): Promise<string | undefined> {
  const policy = await rec.call('iam:GetPolicy', { policyArn });
  if (policy === null) return undefined;
  const version = await rec.call('iam:GetPolicyVersion', {
    policyArn,
    versionId: policy.defaultVersionId,
  });
  return version?.document;
}

/** The matched policy of a simulation: a managed policy ARN or an inline policy name. */
async function readDocument(
  rec: CallRecorder,
  holder: IamHolder,
  name: string,
  policyId: string,
): Promise<string | undefined> {
  if (policyId.startsWith('arn:')) return readManaged(rec, policyId);
  const doc = await rec.call('iam:GetInlinePolicy', { holder, name, policyName: policyId });
  return doc?.document;
}
