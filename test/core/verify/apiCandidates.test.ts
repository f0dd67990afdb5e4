/**
 * Which Lambda integration or authorizer a failing request hit, from the API's live configuration
 * (the AWS CLI documentation's get-integration, get-authorizers, get-routes and get-integrations
 * outputs), and the source ARNs such requests carry.
 */
import type {
  ApiAuthorizer,
  HttpIntegration,
  HttpRoute,
  RestResource,
} from '../../../lambda/core/ports/AccountReader';
import {
  type ApiCandidate,
  httpCandidates,
  type LoggedRoute,
  matchesTemplate,
  restCandidates,
  sourceArnsOf,
} from '../../../lambda/core/verify/apiCandidates';
import { parseIntegrationUri } from '../../../lambda/core/verify/parseIntegrationUri';
import { fixture } from '../../helpers/fixture';

const json = <T>(name: string) => JSON.parse(fixture(`apigateway/${name}`)) as T;
// `aws apigateway get-integration` (CLI docs): a Lambda URI of function My_Function.
const INTEGRATION = json<{ uri: string; type: string }>('get-integration.json');
const AUTHORIZERS = json<{
  items: { id: string; name: string; type: string; authorizerUri: string }[];
}>('get-authorizers.json');
const V2_INTEGRATIONS = json<{
  Items: { IntegrationId: string; IntegrationType: string; IntegrationUri: string }[];
}>('v2-get-integrations.json');
const V2_ROUTES = json<{ Items: { RouteKey: string; Target: string }[] }>('v2-get-routes.json');

describe('parseIntegrationUri', () => {
  test('the documented REST Lambda URI', () => {
    expect(parseIntegrationUri(INTEGRATION.uri, {})).toEqual({
      kind: 'function',
      functionArn: 'arn:aws:lambda:us-west-2:123412341234:function:My_Function',
      name: 'My_Function',
      qualifier: null,
      partition: 'aws',
      region: 'us-west-2',
      accountId: '123412341234',
      variables: {},
    });
  });

  test('the HTTP API form: a bare function ARN', () => {
    const uri = V2_INTEGRATIONS.Items[0]!.IntegrationUri;
    expect(parseIntegrationUri(uri, {})).toMatchObject({ kind: 'function', name: 'my-function' });
  });

  test('an HTTP proxy integration is not a Lambda target', () => {
    expect(parseIntegrationUri(V2_INTEGRATIONS.Items[1]!.IntegrationUri, {})).toBeNull();
  });

  // The two stage-variable forms of the API Gateway developer guide.
  const byFunction = INTEGRATION.uri.replace('My_Function', `\${stageVariables.fn}`);
  const byQualifier = INTEGRATION.uri.replace(
    'My_Function',
    `My_Function:\${stageVariables.alias}`,
  );

  test.each([
    [byFunction, { fn: 'orders' }, { name: 'orders', qualifier: null }],
    [byQualifier, { alias: 'live' }, { name: 'My_Function', qualifier: 'live' }],
    [byQualifier, { alias: '$LATEST' }, { name: 'My_Function', qualifier: null }],
  ])('%s with %j resolves', (uri, variables, expected) => {
    expect(parseIntegrationUri(uri, variables)).toMatchObject({ kind: 'function', ...expected });
  });

  test('a variable the stage does not define leaves it unresolved, naming it', () => {
    expect(parseIntegrationUri(byQualifier, { other: 'x' })).toEqual({
      kind: 'unresolved',
      missing: ['alias'],
      template: `arn:aws:lambda:us-west-2:123412341234:function:My_Function:\${stageVariables.alias}`,
    });
  });

  test('a value that does not make a function ARN is invalid, never a guessed function', () => {
    expect(parseIntegrationUri(byFunction, { fn: 'a b$(id)' })).toMatchObject({ kind: 'invalid' });
  });
});

describe('restCandidates', () => {
  const uri = INTEGRATION.uri;
  const resources: RestResource[] = [
    { id: 'r0', path: '/', methods: [] },
    {
      id: 'r1',
      path: '/orders',
      methods: [
        {
          httpMethod: 'GET',
          authorizationType: 'NONE',
          authorizerId: null,
          integration: { type: 'AWS_PROXY', uri, credentials: null },
        },
      ],
    },
    {
      id: 'r2',
      path: '/orders/{id}',
      methods: [
        {
          httpMethod: 'ANY',
          authorizationType: 'CUSTOM',
          authorizerId: 'gfi4n3',
          integration: {
            type: 'AWS_PROXY',
            uri: uri.replace('My_Function', 'Order_Function'),
            credentials: null,
          },
        },
      ],
    },
    {
      id: 'r3',
      path: '/{proxy+}',
      methods: [
        {
          httpMethod: 'ANY',
          authorizationType: 'NONE',
          authorizerId: null,
          integration: {
            type: 'HTTP_PROXY',
            uri: 'https://example.com/{proxy}',
            credentials: null,
          },
        },
      ],
    },
  ];
  const authorizers: ApiAuthorizer[] = AUTHORIZERS.items.map((a) => ({
    id: a.id,
    name: a.name,
    type: a.type,
    uri: a.authorizerUri,
    credentials: null,
  }));
  const none: LoggedRoute = {
    httpMethod: null,
    resourcePath: null,
    authorizerId: null,
    functionName: null,
    authorizer: false,
  };

  test('no route, no function in the log: every Lambda integration and authorizer', () => {
    const set = restCandidates(resources, authorizers, {}, none);
    expect(set.narrowedBy).toBe('all');
    expect(set.candidates.map((c) => c.route)).toEqual([
      'ANY /orders/{id}',
      'GET /orders',
      'authorizer gfi4n3',
    ]);
  });

  test('a logged request path picks the resource template it falls under', () => {
    const set = restCandidates(
      resources,
      [],
      {},
      { ...none, httpMethod: 'PUT', resourcePath: '/orders/42' },
    );
    expect(set.candidates.map((c) => c.route)).toEqual(['ANY /orders/{id}']);
  });

  test('a logged function narrows to the integrations that call it', () => {
    const set = restCandidates(
      resources,
      authorizers,
      {},
      {
        ...none,
        functionName: 'arn:aws:lambda:us-west-2:123412341234:function:My_Function',
      },
    );
    expect(set).toMatchObject({ narrowedBy: 'function' });
    expect(set.candidates.map((c) => c.route)).toEqual(['GET /orders']);
  });

  test('an authorizer failure with the authorizer id picks that authorizer', () => {
    const set = restCandidates(
      [],
      authorizers,
      {},
      { ...none, authorizer: true, authorizerId: 'gfi4n3' },
    );
    expect(
      set.candidates.map((c) => [c.kind, c.target.kind === 'function' && c.target.name]),
    ).toEqual([['authorizer', 'My_Authorizer_Function']]);
  });

  test('a logged route the API no longer has: no candidate', () => {
    const set = restCandidates(
      resources,
      [],
      {},
      { ...none, httpMethod: 'GET', resourcePath: '/users' },
    );
    expect(set).toEqual({ narrowedBy: 'route', candidates: [] });
  });
});

describe('httpCandidates', () => {
  const routes: HttpRoute[] = V2_ROUTES.Items.map((r) => ({
    routeKey: r.RouteKey,
    target: r.Target,
    authorizationType: 'NONE',
    authorizerId: null,
  }));
  const integrations: HttpIntegration[] = V2_INTEGRATIONS.Items.map((i) => ({
    id: i.IntegrationId,
    type: i.IntegrationType,
    uri: i.IntegrationUri,
    credentials: null,
  }));
  const logged: LoggedRoute = {
    httpMethod: 'GET',
    resourcePath: '/admin',
    authorizerId: null,
    functionName: null,
    authorizer: false,
  };

  test('GET /admin falls to `ANY /admin`, whose integration is the Lambda function', () => {
    const set = httpCandidates(routes, integrations, [], {}, logged);
    expect(set.candidates.map((c) => c.route)).toEqual(['ANY /admin']);
  });

  test('the $default route goes to an HTTP proxy: no Lambda candidate for it', () => {
    const set = httpCandidates(
      routes,
      integrations,
      [],
      {},
      { ...logged, resourcePath: '$default' },
    );
    expect(set.candidates).toEqual([]);
  });
});

describe('sourceArnsOf', () => {
  const scope = {
    partition: 'aws',
    region: 'us-west-2',
    accountId: '123412341234',
    apiId: 'a1b2c3d4e5',
    stage: 'prod',
  };
  const candidate = (over: Partial<ApiCandidate>): ApiCandidate => ({
    kind: 'integration',
    route: 'x',
    httpMethod: 'GET',
    resourcePath: '/orders/{id}',
    authorizerId: null,
    target: { kind: 'unresolved', missing: [], template: '' },
    credentials: null,
    ...over,
  });

  test('a method: the path template without its leading slash', () => {
    expect(sourceArnsOf(candidate({}), scope, null)).toEqual([
      'arn:aws:execute-api:us-west-2:123412341234:a1b2c3d4e5/prod/GET/orders/{id}',
    ]);
  });

  test('ANY: the logged verb, else one ARN per verb', () => {
    expect(sourceArnsOf(candidate({ httpMethod: 'ANY' }), scope, 'DELETE')).toEqual([
      'arn:aws:execute-api:us-west-2:123412341234:a1b2c3d4e5/prod/DELETE/orders/{id}',
    ]);
    expect(sourceArnsOf(candidate({ httpMethod: 'ANY' }), scope, null)).toHaveLength(7);
  });

  test("an HTTP API's $default route and an authorizer", () => {
    expect(
      sourceArnsOf(candidate({ resourcePath: '$default', httpMethod: null }), scope, null),
    ).toEqual(['arn:aws:execute-api:us-west-2:123412341234:a1b2c3d4e5/prod/$default']);
    expect(
      sourceArnsOf(candidate({ kind: 'authorizer', authorizerId: 'gfi4n3' }), scope, null),
    ).toEqual(['arn:aws:execute-api:us-west-2:123412341234:a1b2c3d4e5/authorizers/gfi4n3']);
  });

  test('an unknown stage: no source ARN (left unknown, not guessed)', () => {
    expect(sourceArnsOf(candidate({}), { ...scope, stage: null }, null)).toEqual([]);
  });
});

describe('matchesTemplate', () => {
  test.each([
    ['/orders/{id}', '/orders/42', true],
    ['/orders/{id}', '/orders', false],
    ['/{proxy+}', '/a/b/c', true],
    ['/{proxy+}', '/', false],
    ['/orders', '/orders/', true],
    ['/', '/', true],
  ])('%s covers %s: %s', (template, path, expected) => {
    expect(matchesTemplate(template, path)).toBe(expected);
  });
});
