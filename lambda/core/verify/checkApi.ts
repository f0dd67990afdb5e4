import { AWS_FORMATS } from '../awsFormats';
import type { ResolvedFacts } from '../fixes/resolveFacts';
import type { ApiAuthorizer } from '../ports/AccountReader';
import type { DiagnosisKind, FunctionRef, RootCause, VerificationStatement } from '../types';
import {
  type ApiCandidate,
  type ApiScope,
  type CandidateSet,
  httpCandidates,
  type LoggedRoute,
  restCandidates,
  sourceArnsOf,
} from './apiCandidates';
import { APIGATEWAY_PRINCIPAL, apiRequest } from './apiRequest';
import {
  type CheckOutcome,
  type FixPlan,
  type TrailQuery,
  unverifiable,
  type VerifyContext,
} from './CheckOutcome';
import { evaluatePolicy } from './evaluatePolicy';
import { iamRegion } from './iamRegion';
import { type InvokeJudgement, judgeInvoke } from './judgeInvoke';
import { readFunctionPolicy } from './readFunctionPolicy';
import { readIdentity } from './readIdentity';

/** What one candidate's check concluded. */
export interface CandidateResult {
  readonly candidate: ApiCandidate;
  readonly outcome: 'allowed' | 'denied' | 'cannot-tell';
  readonly rootCause: RootCause;
  readonly statement: VerificationStatement | null;
  readonly reason: string;
  readonly fix: FixPlan;
  readonly trail: readonly TrailQuery[];
  /** The function as the live integration calls it; null when it cannot be resolved. */
  readonly function: FunctionRef | null;
}

/** Most candidates checked for one failure: an API with more is answered as far as that goes. */
const MAX_CANDIDATES = 25;
/** Most HTTP API authorizers read one by one (the list call is not used). */
const MAX_AUTHORIZERS = 10;
const CALLER_CREDENTIALS = /^arn:[a-z-]+:iam::\*:user\/\*$/;

function consoleStage(stage: string | null): boolean {
  return stage === 'test-invoke-stage' || stage === 'null';
}

/**
 * Verifies an API Gateway failure (REST execution or access log, HTTP API access log) against the
 * API's live configuration: reads the stage, the routes or resources with their integrations and
 * the authorizers, narrows them by what the log names, and judges each Lambda target's invoke
 * against its live resource-based policy (or its credentials role). When the log names no route,
 * every Lambda integration and authorizer is checked; exactly one failing one becomes the
 * diagnosis, several are all reported.
 */
export async function checkApi(
  kind: DiagnosisKind,
  r: ResolvedFacts,
  ctx: VerifyContext,
): Promise<CheckOutcome> {
  const http = kind.startsWith('http-api-');
  const authorizer =
    kind === 'apigw-authorizer-invalid-permissions' || kind === 'http-api-authorizer-permissions';
  const api = r.api;
  if (!api?.id.ok) {
    return unverifiable(
      'The log names no API id (execution logs carry it in their log group name API-Gateway-Execution-Logs_<id>/<stage>; HTTP API access logs need $context.apiId), so there is no API to read.',
    );
  }
  const apiId = api.id.value;
  const region = r.fn.region.ok ? r.fn.region.value : ctx.defaultRegion;
  if (region === null) return unverifiable(`No region is known for API ${apiId}: pass --region.`);
  // The API's account is the log's owner (an integration may call a function elsewhere).
  const account = r.principal.accountId.ok ? r.principal.accountId.value : ctx.callerAccount;
  if (account !== ctx.callerAccount) {
    return unverifiable(
      `API ${apiId} is in account ${account} and the credentials are for account ${ctx.callerAccount}: there are no credentials to read that account.`,
    );
  }
  const stage = api.stage?.ok ? api.stage.value : null;
  const loggedMethod = api.method?.ok ? api.method.value : null;
  const logged: LoggedRoute = {
    httpMethod: loggedMethod,
    resourcePath: api.resourcePath?.ok ? api.resourcePath.value : null,
    authorizerId: api.authorizerId?.ok ? api.authorizerId.value : null,
    functionName: r.fn.arn.ok ? r.fn.arn.value : null,
    authorizer,
  };
  const everything = !authorizer && logged.resourcePath === null && logged.functionName === null;
  const { rec } = ctx;
  const scope: ApiScope = { partition: ctx.partition, region, accountId: account, apiId, stage };

  // Console tests pass their own stage variables, which no API returns.
  let variables: Record<string, string> | null = null;
  let set: CandidateSet;
  if (http) {
    const routes = await rec.call('apigatewayv2:GetRoutes', { region, apiId });
    if (routes === null) return refutedApi(apiId, region);
    const integrations = (await rec.call('apigatewayv2:GetIntegrations', { region, apiId })) ?? [];
    if (stage !== null) {
      const s = await rec.call('apigatewayv2:GetStage', { region, apiId, stageName: stage });
      variables = s === null ? {} : { ...s.variables };
    }
    const authorizers: ApiAuthorizer[] = [];
    if (authorizer || everything) {
      const ids = [...new Set(routes.map((x) => x.authorizerId).filter((x): x is string => !!x))];
      for (const authorizerId of ids.slice(0, MAX_AUTHORIZERS)) {
        const a = await rec.call('apigatewayv2:GetAuthorizer', { region, apiId, authorizerId });
        if (a) authorizers.push(a);
      }
    }
    set = httpCandidates(routes, integrations, authorizers, variables, logged);
  } else {
    if (stage !== null && !consoleStage(stage)) {
      const s = await rec.call('apigateway:GetStage', {
        region,
        restApiId: apiId,
        stageName: stage,
      });
      variables = s === null ? {} : { ...s.variables };
    }
    const resources = authorizer
      ? []
      : await rec.call('apigateway:GetResources', { region, restApiId: apiId });
    if (resources === null) return refutedApi(apiId, region);
    const authorizers =
      authorizer || everything
        ? await rec.call('apigateway:GetAuthorizers', { region, restApiId: apiId })
        : [];
    if (authorizers === null) return refutedApi(apiId, region);
    set = restCandidates(resources, authorizers, variables, logged);
  }

  const where = `API ${apiId}${stage === null ? '' : ` stage ${stage}`}`;
  if (set.candidates.length === 0) {
    const what =
      set.narrowedBy === 'route'
        ? authorizer
          ? `no Lambda authorizer ${logged.authorizerId}`
          : `no Lambda integration for ${loggedMethod ?? 'ANY'} ${logged.resourcePath}`
        : set.narrowedBy === 'function'
          ? `no Lambda ${authorizer ? 'authorizer' : 'integration'} calling ${logged.functionName}`
          : 'no Lambda integration or authorizer';
    return {
      status: 'refuted',
      rootCause: 'unknown',
      statement: null,
      reason: `${where} has ${what} now: the log does not match the live API (changed or redeployed since).`,
      fix: { kind: 'keep' },
      trail: [{ region, resourceName: apiId }],
    };
  }

  const checked = set.candidates.slice(0, MAX_CANDIDATES);
  const results: CandidateResult[] = [];
  for (const candidate of checked) {
    results.push(await checkCandidate(candidate, scope, loggedMethod, variables, http, ctx));
  }
  const truncated =
    set.candidates.length > checked.length
      ? ` Only the first ${checked.length} of ${set.candidates.length} were checked.`
      : '';

  if (set.narrowedBy === 'route' && logged.functionName !== null) {
    const live = results[0]!.function;
    const loggedQualifier = r.fn.qualifier?.ok ? r.fn.qualifier.value : null;
    if (
      live &&
      (live.arn !== logged.functionName || (live.qualifier ?? null) !== loggedQualifier)
    ) {
      return {
        status: 'refuted',
        rootCause: results[0]!.outcome === 'denied' ? results[0]!.rootCause : 'unknown',
        statement: results[0]!.statement,
        reason: `The log shows ${logged.functionName}${loggedQualifier ? `:${loggedQualifier}` : ''} for ${results[0]!.candidate.route}, but the live integration calls ${live.arn}${live.qualifier ? `:${live.qualifier}` : ''}: the integration changed since. ${results[0]!.reason}`,
        fix: { kind: 'keep' },
        trail: [{ region, resourceName: apiId }],
      };
    }
  }

  const denied = results.filter((x) => x.outcome === 'denied');
  const undecided = results.filter((x) => x.outcome === 'cannot-tell');
  const single = results.length === 1 ? results[0]! : denied.length === 1 ? denied[0]! : null;
  if (single !== null && (results.length === 1 || undecided.length === 0)) {
    const others =
      results.length > 1
        ? `Of ${results.length} Lambda integrations and authorizers of ${where}, only ${single.candidate.route} is denied. `
        : '';
    return fromCandidate(
      single,
      kind,
      scope,
      loggedMethod,
      `${others}${single.reason}${truncated}`,
    );
  }
  if (denied.length > 1) {
    const causes = [...new Set(denied.map((x) => x.rootCause))];
    return {
      status: 'confirmed',
      rootCause: causes.length === 1 ? causes[0]! : 'unknown',
      statement: null,
      reason: `${denied.length} of ${results.length} Lambda integrations and authorizers of ${where} would be denied, and the log does not say which one the failing request hit: ${denied.map((x) => `${x.candidate.route} (${x.rootCause})`).join(', ')}. Set the stage's log level to INFO to see the function in the next failure.${truncated}`,
      candidates: denied.map((x) => ({
        function: x.function ? qualified(x.function) : describeTarget(x.candidate),
        route: x.candidate.route,
        rootCause: x.rootCause,
        fix: null,
        enrich: fromCandidate(x, kind, scope, loggedMethod, '').enrich ?? {},
        plan: x.fix,
      })),
      fix: { kind: 'keep' },
      trail: [{ region, resourceName: apiId }],
    };
  }
  if (denied.length === 0 && undecided.length === 0) {
    return {
      status: 'fixed',
      rootCause: 'unknown',
      statement: null,
      reason: `Every Lambda ${results.length === 1 ? 'target' : `integration and authorizer (${results.length})`} of ${where} that the failure could come from is allowed by the live policies now.${truncated}`,
      fix: { kind: 'keep' },
      trail: results.flatMap((x) => x.trail).slice(0, 2),
    };
  }
  return {
    ...unverifiable(
      `${undecided.length} of ${results.length} Lambda targets of ${where} cannot be decided: ${undecided
        .slice(0, 3)
        .map((x) => `${x.candidate.route}: ${x.reason}`)
        .join(' ')}${truncated}`,
    ),
  };
}

function refutedApi(apiId: string, region: string): CheckOutcome {
  return {
    status: 'refuted',
    rootCause: 'unknown',
    statement: null,
    reason: `API ${apiId} does not exist in ${region}: it was deleted since, or the log came from another region or account.`,
    fix: { kind: 'keep' },
    trail: [{ region, resourceName: apiId }],
  };
}

function qualified(fn: FunctionRef): string {
  return `${fn.arn}${fn.qualifier ? `:${fn.qualifier}` : ''}`;
}

function describeTarget(c: ApiCandidate): string {
  return c.target.kind === 'function'
    ? `${c.target.functionArn}${c.target.qualifier ? `:${c.target.qualifier}` : ''}`
    : c.target.template;
}

/** The verdict of the one candidate the failure is about, with the facts it adds to the diagnosis. */
export function fromCandidate(
  c: CandidateResult,
  kind: DiagnosisKind,
  scope: ApiScope,
  loggedMethod: string | null,
  reason: string,
): CheckOutcome {
  const status =
    c.outcome === 'allowed' ? 'fixed' : c.outcome === 'denied' ? 'confirmed' : 'unverifiable';
  const isAuthorizer = c.candidate.kind === 'authorizer';
  const http = kind.startsWith('http-api-');
  const fixedKind: DiagnosisKind = isAuthorizer
    ? http
      ? 'http-api-authorizer-permissions'
      : 'apigw-authorizer-invalid-permissions'
    : http
      ? 'http-api-integration-permissions'
      : 'apigw-invalid-permissions';
  return {
    status,
    rootCause: c.outcome === 'allowed' ? 'unknown' : c.rootCause,
    statement: c.statement,
    reason,
    fix: status === 'unverifiable' ? { kind: 'keep' } : c.fix,
    trail: c.trail,
    enrich:
      status === 'unverifiable'
        ? {}
        : {
            kind: fixedKind,
            ...(c.function ? { function: c.function } : {}),
            api: {
              id: scope.apiId,
              stage: scope.stage,
              httpMethod: isAuthorizer
                ? loggedMethod
                : c.candidate.httpMethod === 'ANY' && loggedMethod
                  ? loggedMethod
                  : c.candidate.httpMethod,
              resourcePath: isAuthorizer ? null : c.candidate.resourcePath,
              authorizerId: c.candidate.authorizerId,
            },
          },
  };
}

/** Checks one Lambda integration or authorizer. */
async function checkCandidate(
  candidate: ApiCandidate,
  scope: ApiScope,
  loggedMethod: string | null,
  variables: Record<string, string> | null,
  http: boolean,
  ctx: VerifyContext,
): Promise<CandidateResult> {
  const t = candidate.target;
  const base = { candidate, trail: [] as TrailQuery[] };
  const apiTrail: TrailQuery = { region: scope.region, resourceName: scope.apiId };
  if (t.kind === 'unresolved') {
    if (variables === null) {
      return {
        ...base,
        outcome: 'cannot-tell',
        rootCause: 'unknown',
        statement: null,
        reason: `${candidate.route} calls ${t.template}; the stage variables of the failing request are not known (console test or stage not logged).`,
        fix: { kind: 'keep' },
        function: null,
      };
    }
    return {
      ...base,
      outcome: 'denied',
      rootCause: 'stage-variable-unresolved',
      statement: {
        sid: null,
        policy: null,
        subject: 'Stage variable',
        expected: t.missing.map((n) => `stageVariables.${n}`),
        actual: null,
      },
      reason: `${candidate.route} calls ${t.template}, but stage ${scope.stage} does not define ${t.missing.map((n) => `${n}`).join(', ')}: API Gateway cannot build the function ARN.`,
      fix:
        scope.stage === null
          ? { kind: 'keep' }
          : {
              kind: 'stage-variable',
              api: http ? 'http' : 'rest',
              apiId: scope.apiId,
              stage: scope.stage,
              region: scope.region,
              names: t.missing,
            },
      trail: [apiTrail],
      function: null,
    };
  }
  if (t.kind === 'invalid') {
    return {
      ...base,
      outcome: 'denied',
      rootCause: 'stage-variable-unresolved',
      statement: {
        sid: null,
        policy: null,
        subject: 'Stage variable',
        expected: [t.template],
        actual: t.resolved,
      },
      reason: `${candidate.route} calls ${t.template}, which stage ${scope.stage ?? '(unknown)'} resolves to ${t.resolved}: not a function ARN.`,
      fix: { kind: 'keep' },
      trail: [apiTrail],
      function: null,
    };
  }
  const fn: FunctionRef = {
    arn: t.functionArn,
    name: t.name,
    qualifier: t.qualifier,
    accountId: t.accountId,
    region: t.region,
  };
  const shown = `${t.functionArn}${t.qualifier ? `:${t.qualifier}` : ''}`;
  const fnTrail: TrailQuery = { region: t.region, resourceName: t.name };
  if (t.accountId !== ctx.callerAccount) {
    return {
      ...base,
      outcome: 'cannot-tell',
      rootCause: 'unknown',
      statement: null,
      reason: `${candidate.route} calls ${shown} in account ${t.accountId}, and the credentials are for account ${ctx.callerAccount}: there are no credentials to read that function's policy.`,
      fix: { kind: 'keep' },
      function: fn,
    };
  }
  const policy = await readFunctionPolicy(ctx.rec, {
    functionArn: t.functionArn,
    qualifier: t.qualifier,
    region: t.region,
  });
  if (!policy.exists) {
    const what =
      policy.missing === 'function'
        ? `function ${t.functionArn} does not exist`
        : `function ${t.functionArn} has no version or alias ${t.qualifier}`;
    return {
      ...base,
      outcome: 'denied',
      rootCause: 'function-not-found',
      statement: null,
      reason: `${candidate.route} calls ${shown}, but ${what} (deleted, renamed or replaced): its permission went with it.`,
      fix: { kind: 'function-missing', functionArn: shown, what },
      trail: [fnTrail, apiTrail],
      function: fn,
    };
  }
  const resource = t.qualifier ? `${t.functionArn}:${t.qualifier}` : t.functionArn;
  const credentials = candidate.credentials;
  if (credentials !== null && credentials !== '') {
    if (CALLER_CREDENTIALS.test(credentials)) {
      return {
        ...base,
        outcome: 'cannot-tell',
        rootCause: 'unknown',
        statement: null,
        reason: `${candidate.route} calls ${shown} with the caller's own credentials (${credentials}); the caller is not in the log.`,
        fix: { kind: 'keep' },
        function: fn,
      };
    }
    return checkRoleCall(candidate, fn, resource, credentials, scope, ctx);
  }
  const arns = sourceArnsOf(candidate, scope, loggedMethod);
  const requests = (arns.length > 0 ? arns : [undefined]).map((arn) =>
    apiRequest(resource, arn, scope.accountId),
  );
  let unqualified: string | null | undefined;
  const judgements: InvokeJudgement[] = [];
  for (const request of requests) {
    let j = judgeInvoke({ request, resourcePolicy: policy.policy });
    if (j.outcome === 'denied' && t.qualifier !== null && j.rootCause !== 'explicit-deny') {
      unqualified ??= await policy.unqualified();
      j = judgeInvoke({ request, resourcePolicy: policy.policy, unqualifiedPolicy: unqualified });
    }
    judgements.push(j);
  }
  const deniedAt = judgements.findIndex((j) => j.outcome === 'denied');
  const verbNote = (at: number) =>
    requests.length > 1
      ? ` (checked as ${verbOf(requests[at]!.context['aws:SourceArn'])}; the route answers any method)`
      : '';
  if (deniedAt !== -1) {
    const j = judgements[deniedAt]!;
    return {
      ...base,
      outcome: 'denied',
      rootCause: j.rootCause,
      statement: j.statement,
      reason: `${candidate.route} → ${shown}: ${j.reason}${verbNote(deniedAt)}`,
      fix: planFor(j),
      trail: [fnTrail],
      function: fn,
    };
  }
  const undecided = judgements.find((j) => j.outcome === 'cannot-tell');
  if (undecided) {
    return {
      ...base,
      outcome: 'cannot-tell',
      rootCause: 'unknown',
      statement: null,
      reason: `${candidate.route} → ${shown}: ${undecided.reason}${arns.length === 0 ? ' The failing request’s stage is not known, so its source ARN is not either.' : ''}`,
      fix: { kind: 'keep' },
      function: fn,
    };
  }
  return {
    ...base,
    outcome: 'allowed',
    rootCause: 'unknown',
    statement: judgements[0]?.statement ?? null,
    reason: `${candidate.route} → ${shown}: ${judgements[0]?.reason ?? 'allowed'}`,
    fix: { kind: 'keep' },
    trail: [fnTrail],
    function: fn,
  };
}

function verbOf(sourceArn: unknown): string {
  return typeof sourceArn === 'string' ? (sourceArn.split('/')[2] ?? 'one method') : 'one method';
}

/** The fix a resource-policy judgement calls for. */
export function planFor(j: InvokeJudgement): FixPlan {
  if (j.rootCause === 'explicit-deny') {
    return { kind: 'deny', reason: 'explicit-deny-resource-policy', policyArn: null };
  }
  const stale =
    j.rootCause === 'source-arn-mismatch' && j.statement?.sid ? { sid: j.statement.sid } : null;
  return { kind: 'grant', stale };
}

/**
 * An integration with a credentials role: API Gateway assumes the role (its trust policy must let
 * apigateway.amazonaws.com) and invokes as the role (an identity-based policy must allow it, or the
 * function's policy must name the role); the function's grant to API Gateway plays no part.
 */
async function checkRoleCall(
  candidate: ApiCandidate,
  fn: FunctionRef,
  resource: string,
  roleArn: string,
  scope: ApiScope,
  ctx: VerifyContext,
): Promise<CandidateResult> {
  const m = AWS_FORMATS.roleArn.exec(roleArn);
  const base = { candidate, function: fn };
  if (!m || m[2] !== ctx.callerAccount) {
    return {
      ...base,
      outcome: 'cannot-tell',
      rootCause: 'unknown',
      statement: null,
      reason: `${candidate.route} calls with credentials role ${roleArn}, which is not a role of account ${ctx.callerAccount}.`,
      fix: { kind: 'keep' },
      trail: [],
    };
  }
  const roleName = m[4]!;
  const roleTrail: TrailQuery = {
    region: iamRegion(ctx.partition, scope.region),
    resourceName: roleName,
  };
  const side = await readIdentity(
    ctx.rec,
    { kind: 'role', name: roleName },
    { actions: ['lambda:InvokeFunction'], resourceArn: resource, context: {} },
  );
  if (side === null) {
    return {
      ...base,
      outcome: 'denied',
      rootCause: 'trust-policy',
      statement: null,
      reason: `${candidate.route} calls with credentials role ${roleArn}, which does not exist: API Gateway cannot assume it.`,
      fix: { kind: 'keep' },
      trail: [roleTrail],
    };
  }
  const trust = evaluatePolicy(
    side.trustPolicy ?? '{}',
    {
      principal: { kind: 'service', service: APIGATEWAY_PRINCIPAL },
      action: 'sts:AssumeRole',
      resource: side.arn,
      context: {},
    },
    { policyType: 'resource' },
  );
  if (trust.decision !== 'allow') {
    const miss = trust.statements.find((s) => s.effect === 'Allow' && s.finding)?.finding;
    return {
      ...base,
      outcome: trust.decision === 'cannot-tell' ? 'cannot-tell' : 'denied',
      rootCause: 'trust-policy',
      statement: miss
        ? {
            sid: null,
            policy: `trust policy of ${roleName}`,
            subject: miss.subject,
            expected: [...miss.expected],
            actual: typeof miss.actual === 'string' ? miss.actual : null,
          }
        : null,
      reason: `${candidate.route} calls with credentials role ${roleArn}, whose trust policy does not let ${APIGATEWAY_PRINCIPAL} assume it.`,
      fix: { kind: 'trust', roleArn },
      trail: [roleTrail],
    };
  }
  const j = judgeInvoke({
    request: {
      principal: { kind: 'aws', arn: side.arn, accountId: ctx.callerAccount },
      action: 'lambda:InvokeFunction',
      resource,
      context: {
        'aws:SourceArn': null,
        'aws:SourceAccount': null,
        'lambda:FunctionUrlAuthType': null,
        'lambda:InvokedViaFunctionUrl': null,
        'lambda:EventSourceToken': null,
        'aws:PrincipalAccount': ctx.callerAccount,
        'aws:PrincipalArn': side.arn,
      },
    },
    resourcePolicy: await readFunctionPolicy(ctx.rec, {
      functionArn: fn.arn!,
      qualifier: fn.qualifier,
      region: fn.region!,
    }).then((p) => (p.exists ? p.policy : null)),
    identityPolicies: side.identityPolicies,
    permissionsBoundary: side.permissionsBoundary,
  });
  const outcome = j.outcome;
  return {
    ...base,
    outcome,
    rootCause: j.rootCause,
    statement: j.statement,
    reason: `${candidate.route} calls with credentials role ${roleArn}: ${j.reason} ${side.note}`,
    fix:
      j.rootCause === 'identity-policy-missing'
        ? { kind: 'identity', role: roleName, user: null }
        : j.rootCause === 'permissions-boundary'
          ? { kind: 'guardrail', reason: 'no-permissions-boundary' }
          : j.rootCause === 'explicit-deny'
            ? {
                kind: 'deny',
                reason: 'explicit-deny-identity-policy',
                policyArn: j.statement?.policy?.startsWith('arn:') ? j.statement.policy : null,
              }
            : { kind: 'keep' },
    trail: [roleTrail],
  };
}
