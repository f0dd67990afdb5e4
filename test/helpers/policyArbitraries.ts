/**
 * fast-check generators for policies and requests inside the modelled subset: a small world of two
 * accounts, two functions, two roles and the Lambda condition keys, so that random statements and
 * random requests meet often enough to exercise every branch.
 */
import fc from 'fast-check';
import type { AccessRequest, ContextValue, RequestPrincipal } from '../../lambda/core/verify/types';

const ACCOUNTS = ['123456789012', '111122223333'] as const;
const REGION = 'us-east-1';
const FUNCTIONS = ['orders', 'orders-v2'] as const;
const QUALIFIERS = ['', ':live', ':3'] as const;
const ROLES = ['app', 'ops'] as const;
const SERVICES = ['apigateway.amazonaws.com', 'sns.amazonaws.com'] as const;
const ACTIONS = [
  'lambda:InvokeFunction',
  'lambda:InvokeFunctionUrl',
  'lambda:GetFunction',
] as const;
const API_IDS = ['a1b2c3d4e5', 'z9y8x7w6v5'] as const;
const ORGS = ['o-a1b2c3d4e5', 'o-zzzzzzzzzz'] as const;

const fnArn = (account: string, name: string, qualifier = '') =>
  `arn:aws:lambda:${REGION}:${account}:function:${name}${qualifier}`;
/** Role paths: the same role name is either at the root or under /team/ (never both at once). */
const ROLE_PATHS = ['/', '/team/'] as const;
const roleArn = (account: string, role: string, path = '/') =>
  `arn:aws:iam::${account}:role${path}${role}`;
const sessionArn = (account: string, role: string, session: string) =>
  `arn:aws:sts::${account}:assumed-role/${role}/${session}`;
const userArn = (account: string, name: string) => `arn:aws:iam::${account}:user/${name}`;

/** A request resource: a function ARN, qualified or not. */
export const resourceArb = fc
  .tuple(
    fc.constantFrom(...ACCOUNTS),
    fc.constantFrom(...FUNCTIONS),
    fc.constantFrom(...QUALIFIERS),
  )
  .map(([a, f, q]) => fnArn(a, f, q));

/** A caller: a service, a user, a role session (role path known or not) or nobody. */
export const principalArb: fc.Arbitrary<RequestPrincipal> = fc.oneof(
  fc.constantFrom(...SERVICES).map((service): RequestPrincipal => ({ kind: 'service', service })),
  fc
    .tuple(fc.constantFrom(...ACCOUNTS), fc.constantFrom('dev', 'ci'))
    .map(([a, u]): RequestPrincipal => ({ kind: 'aws', arn: userArn(a, u), accountId: a })),
  fc
    .tuple(
      fc.constantFrom(...ACCOUNTS),
      fc.constantFrom(...ROLES),
      fc.constantFrom('s1', 's2'),
      fc.constantFrom(undefined, ...ROLE_PATHS),
    )
    .map(
      ([a, r, s, path]): RequestPrincipal =>
        path === undefined
          ? { kind: 'aws', arn: sessionArn(a, r, s), accountId: a }
          : { kind: 'aws', arn: sessionArn(a, r, s), accountId: a, roleArn: roleArn(a, r, path) },
    ),
  fc.constant<RequestPrincipal>({ kind: 'anonymous' }),
);

const sourceArnArb = fc
  .tuple(
    fc.constantFrom(...ACCOUNTS),
    fc.constantFrom(...API_IDS),
    fc.constantFrom('prod', 'dev'),
    fc.constantFrom('GET', 'POST'),
    fc.constantFrom('', 'orders', 'orders/7'),
  )
  .map(
    ([a, api, stage, method, path]) =>
      `arn:aws:execute-api:${REGION}:${a}:${api}/${stage}/${method}/${path}`,
  );

/** Values per modelled key; `null` is "known absent". */
const CONTEXT_VALUES: Record<string, fc.Arbitrary<ContextValue>> = {
  'aws:SourceArn': fc.oneof(sourceArnArb, fc.constant(null)),
  'aws:SourceAccount': fc.oneof(fc.constantFrom(...ACCOUNTS), fc.constant(null)),
  'aws:PrincipalOrgID': fc.oneof(fc.constantFrom(...ORGS), fc.constant(null)),
  'aws:PrincipalAccount': fc.constantFrom(...ACCOUNTS),
  'lambda:FunctionUrlAuthType': fc.oneof(fc.constantFrom('NONE', 'AWS_IAM'), fc.constant(null)),
  'lambda:InvokedViaFunctionUrl': fc.oneof(fc.boolean(), fc.constant(null)),
};
/** The modelled condition keys the generated requests carry. */
export const CONTEXT_KEYS = Object.keys(CONTEXT_VALUES);

/** A context with every modelled key known (a value or known absent). */
export const fullContextArb: fc.Arbitrary<Record<string, ContextValue>> = fc.record(CONTEXT_VALUES);

/** A request with a full context. */
export const requestArb: fc.Arbitrary<AccessRequest> = fc.record({
  principal: principalArb,
  action: fc.constantFrom(...ACTIONS),
  resource: resourceArb,
  context: fullContextArb,
});

const principalValueArb = fc.oneof(
  fc.constant<unknown>('*'),
  fc.constant<unknown>({ AWS: '*' }),
  fc.constantFrom(...SERVICES).map((s): unknown => ({ Service: s })),
  fc.constantFrom(...ACCOUNTS).map((a): unknown => ({ AWS: a })),
  fc.constantFrom(...ACCOUNTS).map((a): unknown => ({ AWS: `arn:aws:iam::${a}:root` })),
  fc
    .tuple(fc.constantFrom(...ACCOUNTS), fc.constantFrom(...ROLES), fc.constantFrom(...ROLE_PATHS))
    .map(([a, r, path]): unknown => ({ AWS: roleArn(a, r, path) })),
  fc
    .tuple(fc.constantFrom(...ACCOUNTS), fc.constantFrom(...ROLES), fc.constantFrom('s1', 's2'))
    .map(([a, r, s]): unknown => ({ AWS: sessionArn(a, r, s) })),
  fc
    .tuple(fc.constantFrom(...ACCOUNTS), fc.constantFrom('dev', 'ci'))
    .map(([a, u]): unknown => ({ AWS: userArn(a, u) })),
);

const actionPatternArb = fc.constantFrom(
  'lambda:InvokeFunction',
  'lambda:InvokeFunctionUrl',
  'lambda:Invoke*',
  'lambda:*',
  '*',
  'lambda:Get*',
  'LAMBDA:invokefunction',
  'lambda:InvokeFunctio?',
);

const resourcePatternArb = fc.oneof(
  fc.constant('*'),
  resourceArb,
  fc
    .tuple(fc.constantFrom(...ACCOUNTS), fc.constantFrom(...FUNCTIONS))
    .map(([a, f]) => fnArn(a, `${f}*`)),
  fc
    .tuple(fc.constantFrom(...ACCOUNTS), fc.constantFrom(...FUNCTIONS))
    .map(([a, f]) => fnArn(a, f, ':*')),
  fc.constantFrom(...FUNCTIONS).map((f) => `arn:aws:lambda:*:*:function:${f}`),
  fc.constant('arn:aws:lambda:us-east-1:*:function:*'),
);

const conditionValueFor: Record<string, fc.Arbitrary<string>> = {
  'aws:SourceArn': fc.oneof(
    sourceArnArb,
    fc
      .tuple(
        fc.constantFrom(...ACCOUNTS),
        fc.constantFrom(...API_IDS),
        fc.constantFrom('*', 'prod'),
      )
      .map(([a, api, stage]) => `arn:aws:execute-api:${REGION}:${a}:${api}/${stage}/GET/*`),
    fc.constantFrom(...API_IDS).map((api) => `arn:aws:execute-api:*:*:${api}/*`),
  ),
  'aws:SourceAccount': fc.constantFrom(...ACCOUNTS),
  'aws:PrincipalOrgID': fc.constantFrom(...ORGS),
  'aws:PrincipalAccount': fc.constantFrom(...ACCOUNTS),
  'lambda:FunctionUrlAuthType': fc.constantFrom('NONE', 'AWS_IAM'),
  'lambda:InvokedViaFunctionUrl': fc.constantFrom('true', 'false'),
};

const STRING_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
] as const;
const ARN_OPERATORS = ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'] as const;

/** Operators that make sense for a key, with `IfExists` sometimes. */
function operatorFor(key: string): fc.Arbitrary<string> {
  const base =
    key === 'lambda:InvokedViaFunctionUrl'
      ? fc.constant('Bool')
      : key === 'aws:SourceArn'
        ? fc.constantFrom(...STRING_OPERATORS, ...ARN_OPERATORS)
        : fc.constantFrom(...STRING_OPERATORS);
  const qualifier = fc.constantFrom('', '', '', '', 'ForAnyValue:', 'ForAllValues:');
  return fc
    .tuple(qualifier, base, fc.boolean())
    .map(([set, op, ifExists]) => `${set}${op}${ifExists ? 'IfExists' : ''}`);
}

/** One condition entry on a modelled key, or (rarely) a Null check. */
const conditionEntryArb = fc.constantFrom(...CONTEXT_KEYS).chain((key) =>
  fc
    .oneof(
      {
        weight: 6,
        arbitrary: fc.tuple(
          operatorFor(key),
          fc.array(conditionValueFor[key]!, { minLength: 1, maxLength: 2 }),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constant('Null'), fc.constantFrom<string[]>(['true'], ['false'])),
      },
    )
    .map(([operator, values]) => ({ operator, key, values })),
);

/** A Condition block of 0–2 entries, merged by operator. */
export const conditionArb = fc.array(conditionEntryArb, { maxLength: 2 }).map((entries) => {
  const block: Record<string, Record<string, string | string[]>> = {};
  for (const e of entries) {
    block[e.operator] ??= {};
    block[e.operator]![e.key] = e.values.length === 1 ? e.values[0]! : e.values;
  }
  return block;
});

/** A resource-policy statement inside the modelled subset. */
export const resourceStatementArb = fc
  .record({
    effect: fc.constantFrom('Allow', 'Deny'),
    principal: fc.array(principalValueArb, { minLength: 1, maxLength: 2 }),
    notAction: fc.boolean(),
    actions: fc.array(actionPatternArb, { minLength: 1, maxLength: 2 }),
    notResource: fc.boolean(),
    resources: fc.array(resourcePatternArb, { minLength: 1, maxLength: 2 }),
    condition: conditionArb,
    sid: fc.constantFrom(undefined, 'grant', 'apigw-prod'),
    notPrincipal: fc.boolean(),
  })
  .map((s) => {
    // Several principal values merge into one object, as IAM writes them.
    const principal = s.principal.includes('*')
      ? '*'
      : s.principal.reduce<Record<string, string[]>>((acc, p) => {
          for (const [k, v] of Object.entries(p as Record<string, string>)) {
            acc[k] = [...(acc[k] ?? []), v];
          }
          return acc;
        }, {});
    // NotPrincipal only with Deny, the one form IAM supports.
    const negate = s.effect === 'Deny' && s.notPrincipal;
    const statement: Record<string, unknown> = { Effect: s.effect };
    statement[negate ? 'NotPrincipal' : 'Principal'] = principal;
    if (s.sid !== undefined) statement.Sid = s.sid;
    statement[s.notAction ? 'NotAction' : 'Action'] = s.actions;
    statement[s.notResource ? 'NotResource' : 'Resource'] = s.resources;
    if (Object.keys(s.condition).length > 0) statement.Condition = s.condition;
    return statement;
  });

/** An identity-policy statement: no principal. */
export const identityStatementArb = resourceStatementArb.map((s) => {
  const { Principal: _p, NotPrincipal: _n, ...rest } = s;
  return rest;
});

/** A document of 1–4 statements. */
export function documentArb(statement: fc.Arbitrary<Record<string, unknown>>) {
  return fc
    .array(statement, { minLength: 1, maxLength: 4 })
    .map((Statement) => ({ Version: '2012-10-17', Statement }));
}

/** Principal values that name this caller one way or another (or nearly). */
function principalsFor(request: AccessRequest): unknown[] {
  const p = request.principal;
  if (p.kind === 'anonymous') return ['*', { AWS: '*' }];
  if (p.kind === 'service') return ['*', { Service: p.service }, { Service: SERVICES[0] }];
  const values: unknown[] = [
    '*',
    { AWS: p.accountId },
    { AWS: `arn:aws:iam::${p.accountId}:root` },
    { AWS: p.arn },
  ];
  const session = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(p.arn);
  if (session) {
    for (const path of ROLE_PATHS) values.push({ AWS: roleArn(session[1]!, session[2]!, path) });
  }
  return values;
}

/** A condition entry on a key of the request, with its value or a near miss. */
function conditionFor(
  request: AccessRequest,
): fc.Arbitrary<Record<string, Record<string, string>>> {
  const keys = Object.entries(request.context).filter(([, v]) => v !== null);
  if (keys.length === 0) return fc.constant({});
  return fc
    .constantFrom(...keys)
    .chain(([key, value]) =>
      fc
        .tuple(
          operatorFor(key),
          fc.oneof(fc.constant(String(value)), conditionValueFor[key] ?? fc.constant('x')),
        )
        .map(([operator, v]) => ({ [operator]: { [key]: v } })),
    );
}

/** A statement written for this request: it often applies, and often just misses. */
export function focusedStatementArb(request: AccessRequest, withPrincipal: boolean) {
  const unqualified = request.resource.replace(/:(live|3)$/, '');
  return fc
    .record({
      effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
      principal: fc.constantFrom(...principalsFor(request)),
      action: fc.constantFrom(request.action, 'lambda:*', 'lambda:Invoke*', 'lambda:GetFunction'),
      resource: fc.constantFrom(
        request.resource,
        `${unqualified}*`,
        `${unqualified}:*`,
        '*',
        unqualified,
      ),
      condition: fc.oneof(fc.constant({}), conditionFor(request)),
    })
    .map((s) => {
      const statement: Record<string, unknown> = {
        Effect: s.effect,
        Action: s.action,
        Resource: s.resource,
      };
      if (withPrincipal) statement.Principal = s.principal;
      if (Object.keys(s.condition).length > 0) statement.Condition = s.condition;
      return statement;
    });
}
