/**
 * renderFixes over facts built from real log lines (docs/formats.md): which fixes, in which
 * order, exact commands, and no runnable command whenever a value is masked or malformed.
 */
import { AWS_FORMATS } from '../../../lambda/core/awsFormats';
import { renderFixes } from '../../../lambda/core/fixes/renderFixes';
import { type DiagnosisFacts, type Fix, REASONS } from '../../../lambda/core/types';
import {
  ACCOUNT,
  assumedRole,
  facts,
  fnRef,
  iamUser,
  NO_FUNCTION,
  NO_PRINCIPAL,
  OTHER_ACCOUNT,
  route,
  service,
} from '../../helpers/facts';

const kinds = (fixes: readonly Fix[]) => fixes.map((f) => f.kind);
/** The second account confirmed as trusted (configured trustedAccounts / --trust-account). */
const TRUST_OTHER = { accounts: [OTHER_ACCOUNT], organizationId: null };

describe('renderFixes: API Gateway REST', () => {
  test('function known (formats 2.4): exact add-permission with the route source ARN', () => {
    // Arrange: Endpoint request URI + X-Amz-Source-Arn of the hexaville console test
    const f = facts({
      kind: 'apigw-invalid-permissions',
      function: fnRef('hexaville-test-app-function', {
        region: 'ap-northeast-1',
        account: '158695423430',
      }),
      api: route('kl1s049j9c', 'GET', '/users', 'null'),
    });
    // Act
    const fixes = renderFixes(f);
    // Assert
    expect(kinds(fixes)).toEqual(['add-permission']);
    expect(fixes[0]?.command).toMatch(
      /^aws lambda add-permission --region 'ap-northeast-1' --function-name 'arn:aws:lambda:ap-northeast-1:158695423430:function:hexaville-test-app-function' --statement-id 'invoke-doctor-apigateway-[0-9a-f]{16}' --action 'lambda:InvokeFunction' --principal 'apigateway\.amazonaws\.com' --source-arn 'arn:aws:execute-api:ap-northeast-1:158695423430:kl1s049j9c\/\*\/GET\/users'$/,
    );
    // the console's stage `null` is no stage to scope a permission to
    expect(fixes[0]?.description).not.toContain('kl1s049j9c/null/');
  });

  test.each([
    ['/', 'GET', 'api/*/GET/'],
    ['/{proxy+}', 'ANY', 'api/*/*/{proxy+}'],
    ['/portal/', 'POST', 'api/*/POST/portal/'],
    [null, null, 'api/*/*/*'],
    ['/echo', null, 'api/*/*/echo'],
  ])('path %j method %j -> source ARN ...%s', (path, method, tail) => {
    const f = facts({
      kind: 'apigw-invalid-permissions',
      function: fnRef('f'),
      api: route('abcdefghij', method, path, 'Prod'),
    });
    const expected = `arn:aws:execute-api:us-east-1:${ACCOUNT}:${tail.replace('api', 'abcdefghij')}`;
    expect(renderFixes(f)[0]?.command).toContain(`--source-arn '${expected}'`);
  });

  test.each([
    ['$connect', 'api/*/$connect', 'api/Prod/$connect'],
    ['$disconnect', 'api/*/$disconnect', 'api/Prod/$disconnect'],
    ['sendMessage', 'api/*/sendMessage', 'api/Prod/sendMessage'],
  ])('WebSocket route key %j -> source ARN ...%s (stage form ...%s)', (key, tail, stageTail) => {
    // A WebSocket route's source ARN is <api>/<stage>/<routeKey>: no method, no path.
    const f = facts({
      kind: 'apigw-invalid-permissions',
      function: fnRef('f'),
      api: route('abcdefghij', null, key, 'Prod'),
    });
    const [fix] = renderFixes(f);
    const arn = (t: string) =>
      `arn:aws:execute-api:us-east-1:${ACCOUNT}:${t.replace('api', 'abcdefghij')}`;
    expect(fix?.command).toContain(`--source-arn '${arn(tail)}'`);
    expect(fix?.description).toContain(arn(stageTail));
    expect(fix?.description).not.toContain('path template');
  });

  test.each([
    ['a route key with a quote', "send'Message"],
    ['a route key with a space', 'send Message'],
    ['a route key with a dollar sign inside', 'x$(id)'],
  ])('WebSocket %s: no runnable command, a placeholder instead', (_label, key) => {
    const f = facts({
      kind: 'apigw-invalid-permissions',
      function: fnRef('f'),
      api: route('abcdefghij', null, key, 'Prod'),
    });
    const [fix] = renderFixes(f);
    expect(fix?.command).toBeNull();
    expect(fix?.description).not.toContain(key);
  });

  test('stage-specific and whole-API alternatives are described', () => {
    const f = facts({
      kind: 'apigw-invalid-permissions',
      function: fnRef('f'),
      api: route('uwe3g5jm54', 'GET', '/echo', 'Prod'),
    });
    const [fix] = renderFixes(f);
    expect(fix?.description).toContain(
      `arn:aws:execute-api:us-east-1:${ACCOUNT}:uwe3g5jm54/Prod/GET/echo`,
    );
    expect(fix?.description).toContain(`arn:aws:execute-api:us-east-1:${ACCOUNT}:uwe3g5jm54/*/*/*`);
  });

  test('authorizer: source ARN .../authorizers/<id> when known, else /authorizers/*', () => {
    const base = {
      kind: 'apigw-authorizer-invalid-permissions' as const,
      function: fnRef('authz', { qualifier: 'live' }),
    };
    const unknownId = renderFixes(
      facts({ ...base, api: route('aaiiuxs4r8', 'GET', '/registrations') }),
    );
    const knownId = renderFixes(
      facts({
        ...base,
        api: { ...route('aaiiuxs4r8', 'GET', '/registrations'), authorizerId: 'abc123' } as never,
      }),
    );
    expect(unknownId[0]?.command).toContain(`:aaiiuxs4r8/authorizers/*' `.trim());
    expect(unknownId[0]?.command).toContain("--qualifier 'live'");
    expect(knownId[0]?.command).toContain(':aaiiuxs4r8/authorizers/abc123');
  });

  test('function unknown (ERROR log level, formats 2.8): locate-function first, add-permission template only', () => {
    // Arrange
    const f = facts({
      kind: 'apigw-invalid-permissions',
      api: route('d3mcwv9k17', null, null, 'prod'),
    });
    // Act
    const fixes = renderFixes(f);
    // Assert
    expect(kinds(fixes)).toEqual(['locate-function', 'add-permission']);
    expect(fixes[0]?.command).toBe(
      "aws apigateway get-resources --rest-api-id 'd3mcwv9k17' --embed methods --query 'items[].{id:id,path:path,integrations:values(resourceMethods || `{}`)[].methodIntegration.uri}'",
    );
    expect(fixes[0]?.description).toContain('get-integration --rest-api-id d3mcwv9k17');
    expect(fixes[1]?.command).toBeNull();
    expect(fixes[1]?.description).toContain('<FUNCTION_ARN>');
    expect(fixes[1]?.cloudformation).toBeUndefined();
  });

  test('API id unknown too: locate-function lists the REST APIs', () => {
    const fixes = renderFixes(facts({ kind: 'apigw-invalid-permissions', api: null }));
    expect(kinds(fixes)).toEqual(['locate-function', 'add-permission']);
    expect(fixes[0]?.command).toBe("aws apigateway get-rest-apis --query 'items[].[id,name]'");
    expect(fixes[1]?.command).toBeNull();
  });

  test('authorizer with unknown function: get-authorizers', () => {
    const f = facts({
      kind: 'apigw-authorizer-invalid-permissions',
      api: route('aaiiuxs4r8', null, null),
    });
    expect(renderFixes(f)[0]?.command).toMatch(
      /^aws apigateway get-authorizers --rest-api-id 'aaiiuxs4r8' /,
    );
  });

  test('cannot assume role (formats 2.10): trust-policy only, read-only command, no add-permission', () => {
    // Arrange
    const f = facts({
      kind: 'apigw-cannot-assume-role',
      roleArn:
        'arn:aws:iam::770646514888:role/lambda_execution_role_Authorize-Registrations-Lambda',
    });
    // Act
    const fixes = renderFixes(f);
    // Assert
    expect(kinds(fixes)).toEqual(['trust-policy']);
    expect(fixes[0]?.command).toBe(
      "aws iam get-role --role-name 'lambda_execution_role_Authorize-Registrations-Lambda' --query 'Role.AssumeRolePolicyDocument'",
    );
    expect(fixes[0]?.description).toContain('apigateway.amazonaws.com');
    expect(fixes[0]?.description).toContain('REPLACES');
  });

  test('trust-policy with a role path uses the name without path', () => {
    const f = facts({
      kind: 'apigw-cannot-assume-role',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/service-role/apigw-invoke`,
    });
    expect(renderFixes(f)[0]?.command).toContain("--role-name 'apigw-invoke'");
  });
});

describe('renderFixes: HTTP API access logs (formats 2.13)', () => {
  test('nothing known: locate-function listing the APIs', () => {
    const fixes = renderFixes(facts({ kind: 'http-api-integration-permissions' }));
    expect(kinds(fixes)).toEqual(['locate-function']);
    expect(fixes[0]?.command).toBe(
      "aws apigatewayv2 get-apis --query 'Items[].[ApiId,Name,ProtocolType]'",
    );
  });

  test('API id known: get-integrations of that API', () => {
    const fixes = renderFixes(
      facts({
        kind: 'http-api-integration-permissions',
        api: route('a1b2c3d4e5', 'GET', '$default', null),
      }),
    );
    expect(kinds(fixes)).toEqual(['locate-function']);
    expect(fixes[0]?.command).toBe(
      "aws apigatewayv2 get-integrations --api-id 'a1b2c3d4e5' --query 'Items[].[IntegrationId,IntegrationUri,CredentialsArn]'",
    );
  });

  test('authorizer variant: get-authorizers', () => {
    const fixes = renderFixes(
      facts({
        kind: 'http-api-authorizer-permissions',
        api: route('a1b2c3d4e5', null, null, null),
      }),
    );
    expect(fixes[0]?.command).toMatch(/^aws apigatewayv2 get-authorizers --api-id 'a1b2c3d4e5'/);
  });

  test('function known: add-permission first, then the locate command', () => {
    const fixes = renderFixes(
      facts({
        kind: 'http-api-integration-permissions',
        function: fnRef('f'),
        api: route('a1b2c3d4e5', 'GET', '/items', null),
      }),
    );
    expect(kinds(fixes)).toEqual(['add-permission', 'locate-function']);
    expect(fixes[0]?.command).toContain(
      `--source-arn 'arn:aws:execute-api:us-east-1:${ACCOUNT}:a1b2c3d4e5/*/GET/items'`,
    );
  });
});

describe('renderFixes: IAM sentence', () => {
  test('no identity-based policy, same-account assumed role (formats 1.26): put-role-policy only', () => {
    // Arrange
    const f = facts({
      principal: assumedRole(
        'demo-chef-services-backend-DietPlanFunctionRole-IYbVKrVaeQNV',
        '985539754737',
        'demo-chef-services-backend-diet-plan',
      ),
      function: fnRef('chef-services-backend-diet-plan-worker', { account: '985539754737' }),
      reason: 'no-identity-policy',
    });
    // Act
    const fixes = renderFixes(f);
    // Assert
    expect(kinds(fixes)).toEqual(['identity-policy']);
    const arn =
      'arn:aws:lambda:us-east-1:985539754737:function:chef-services-backend-diet-plan-worker';
    expect(fixes[0]?.command).toBe(
      `aws iam put-role-policy --role-name 'demo-chef-services-backend-DietPlanFunctionRole-IYbVKrVaeQNV' --policy-name '${/--policy-name '([^']+)'/.exec(fixes[0]?.command ?? '')?.[1]}' --policy-document '{"Version":"2012-10-17","Statement":[{"Sid":"InvokeDoctorAllowInvoke","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":["${arn}","${arn}:*"]}]}'`,
    );
    expect(fixes[0]?.command).toMatch(
      /--policy-name 'invoke-doctor-chef-services-backend-diet-plan-worker-[0-9a-f]{8}'/,
    );
  });

  test('IAM user without reason clause (formats 1.24): put-user-policy', () => {
    const f = facts({
      principal: iamUser('jasonQ', '302651359699'),
      function: fnRef('CreateThumbnail', { region: 'us-west-2', account: '302651359699' }),
    });
    const fixes = renderFixes(f);
    expect(kinds(fixes)).toEqual(['identity-policy']);
    expect(fixes[0]?.command).toMatch(
      /^aws iam put-user-policy --user-name 'jasonQ' --policy-name /,
    );
  });

  test('IAM role principal with a path: put-role-policy takes the name without path', () => {
    const f = facts({
      principal: {
        arn: `arn:aws:iam::${ACCOUNT}:role/service-role/caller`,
        type: 'iam-role',
        accountId: ACCOUNT,
        roleName: null,
        service: null,
      },
      function: fnRef('f'),
      reason: 'no-identity-policy',
    });
    expect(renderFixes(f)[0]?.command).toContain("--role-name 'caller'");
  });

  test('Identity Center role: the description points at the permission set', () => {
    const f = facts({
      principal: assumedRole('AWSReservedSSO_Dev_0123456789abcdef'),
      function: fnRef('f'),
      reason: 'no-identity-policy',
    });
    expect(renderFixes(f)[0]?.description).toContain('permission set');
  });

  test('no resource-based policy, same account: add-permission for the caller account', () => {
    const f = facts({
      principal: assumedRole('caller'),
      function: fnRef('f'),
      reason: 'no-resource-policy',
    });
    const fixes = renderFixes(f);
    expect(kinds(fixes)).toEqual(['add-permission']);
    expect(fixes[0]?.command).toContain(`--principal '${ACCOUNT}'`);
  });

  test('cross-account with no identity policy: identity policy (caller account) and add-permission', () => {
    const f = facts({
      principal: assumedRole('Caller', OTHER_ACCOUNT),
      function: fnRef('f'),
      reason: 'no-identity-policy',
    });
    const fixes = renderFixes(f, TRUST_OTHER);
    expect(kinds(fixes)).toEqual(['identity-policy', 'add-permission']);
    expect(fixes[0]?.description).toContain(`caller's account ${OTHER_ACCOUNT}`);
    expect(fixes[1]?.command).toContain(`--principal '${OTHER_ACCOUNT}'`);
  });

  test('cross-account IAM role: the role ARN (with path) is the principal', () => {
    const roleArn = `arn:aws:iam::${OTHER_ACCOUNT}:role/team/caller`;
    const f = facts({
      principal: {
        arn: roleArn,
        type: 'iam-role',
        accountId: OTHER_ACCOUNT,
        roleName: 'caller',
        service: null,
      },
      function: fnRef('f'),
      reason: 'no-resource-policy',
    });
    expect(renderFixes(f, TRUST_OTHER)[0]?.command).toContain(`--principal '${roleArn}'`);
  });

  test('cross-account caller outside the trusted accounts: no runnable grant, a statement to review', () => {
    // Arrange: the same role, but its account is neither the function's nor a trusted one
    const roleArn = `arn:aws:iam::${OTHER_ACCOUNT}:role/team/caller`;
    const f = facts({
      principal: {
        arn: roleArn,
        type: 'iam-role',
        accountId: OTHER_ACCOUNT,
        roleName: 'caller',
        service: null,
      },
      function: fnRef('f'),
      reason: 'no-resource-policy',
    });
    // Act
    const [fix] = renderFixes(f);
    // Assert
    expect(fix?.command).toBeNull();
    expect(fix?.cloudformation).toBeUndefined();
    expect(fix?.description).toContain(`--trust-account ${OTHER_ACCOUNT}`);
    expect(fix?.description).toContain(
      `Statement to review once the caller is confirmed: {"Effect":"Allow","Principal":{"AWS":"${roleArn}"}`,
    );
  });

  test('caller trusted only through the organization: the grant is limited to it', () => {
    const f = facts({
      principal: assumedRole('c', OTHER_ACCOUNT),
      function: fnRef('f'),
      reason: 'no-identity-policy',
    });
    const fixes = renderFixes(f, { accounts: [], organizationId: 'o-abcdefghij' });
    expect(kinds(fixes)).toEqual(['identity-policy', 'add-permission']);
    expect(fixes[0]?.command).toBeNull();
    expect(fixes[1]?.command).toContain(`--principal '${OTHER_ACCOUNT}'`);
    expect(fixes[1]?.command).toContain("--principal-org-id 'o-abcdefghij'");
    expect(fixes[1]?.cloudformation).toContain("PrincipalOrgID: 'o-abcdefghij'");
  });

  test.each([
    'sns.amazonaws.com',
    'events.amazonaws.com',
    'iot.amazonaws.com',
    'cognito-idp.amazonaws.com',
    's3.amazonaws.com',
    'lambda.alarms.cloudwatch.amazonaws.com',
    'logs.us-east-1.amazonaws.com',
  ])('service principal %s: always --source-account (the function account)', (svc) => {
    const fixes = renderFixes(
      facts({ principal: service(svc), function: fnRef('f'), reason: 'no-resource-policy' }),
    );
    expect(kinds(fixes)).toEqual(['add-permission']);
    expect(fixes[0]?.command).toContain(`--principal '${svc}'`);
    expect(fixes[0]?.command).toContain(`--source-account '${ACCOUNT}'`);
    expect(fixes[0]?.description).toContain('--source-arn');
  });

  test('CloudWatch alarm named in the log: its ARN is the --source-arn', () => {
    const alarm = `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:high-error-rate`;
    const fixes = renderFixes(
      facts({
        principal: { ...service('lambda.alarms.cloudwatch.amazonaws.com'), arn: alarm },
        function: fnRef('f'),
        reason: 'no-resource-policy',
      }),
    );
    expect(fixes[0]?.command).toContain(`--source-arn '${alarm}' --source-account '${ACCOUNT}'`);
  });

  test('service principal with an unknown function account: no command, says what to fill in', () => {
    const fixes = renderFixes(
      facts({
        principal: service('sns.amazonaws.com'),
        function: { ...fnRef('f'), arn: null, accountId: null },
      }),
    );
    expect(fixes[0]?.command).toBeNull();
    expect(fixes[0]?.description).toMatch(/account id is not in the log \(missing or masked\)/);
  });

  test('lambda:InvokeFunctionUrl: add-permission with --function-url-auth-type AWS_IAM', () => {
    const f = facts({
      action: 'lambda:InvokeFunctionUrl',
      principal: assumedRole('c', OTHER_ACCOUNT),
      function: fnRef('f'),
      reason: 'no-resource-policy',
    });
    const [fix] = renderFixes(f, TRUST_OTHER);
    expect(fix?.command).toContain("--action 'lambda:InvokeFunctionUrl'");
    expect(fix?.command).toContain("--function-url-auth-type 'AWS_IAM'");
    // new function URLs also need lambda:InvokeFunction through the URL: a second statement
    const [, second] = fix?.command?.split(' && ') ?? [];
    expect(second).toContain("--action 'lambda:InvokeFunction'");
    expect(second).toContain('--invoked-via-function-url');
    expect(second).not.toContain('--function-url-auth-type');
  });

  test('$LATEST is not a qualifier (Lambda has no policy on $LATEST)', () => {
    const f = facts({
      principal: service('sns.amazonaws.com'),
      function: { ...fnRef('f'), qualifier: '$LATEST' },
    });
    expect(renderFixes(f)[0]?.command).not.toContain('--qualifier');
  });

  test.each([
    [
      'no-permissions-boundary',
      "aws iam get-role --role-name 'caller' --query 'Role.PermissionsBoundary'",
    ],
    ['no-session-policy', null],
    [
      'no-vpc-endpoint-policy',
      "aws ec2 describe-vpc-endpoints --region 'us-east-1' --filters 'Name=service-name,Values=com.amazonaws.us-east-1.lambda' --query 'VpcEndpoints[].[VpcEndpointId,VpcId,PolicyDocument]'",
    ],
  ] as const)('%s: guidance with an inspection command (%s)', (reason, command) => {
    const fixes = renderFixes(
      facts({ principal: assumedRole('caller'), function: fnRef('f'), reason }),
    );
    expect(fixes).toHaveLength(1);
    expect(fixes[0]?.command).toBe(command);
    expect(fixes[0]?.cloudformation).toBeUndefined();
  });
});

describe('renderFixes: explicit deny is never fixed with a grant', () => {
  const INSPECTION =
    /^aws (organizations (describe-policy|list-policies-for-target)|iam (get-policy|get-role|get-user|list-attached-role-policies|list-attached-user-policies)|lambda get-policy|ec2 describe-vpc-endpoints) /;
  const denyReasons = REASONS.filter((r) => r.startsWith('explicit-deny'));
  const principals = [
    assumedRole('caller'),
    iamUser('u'),
    service('sns.amazonaws.com'),
    assumedRole('x', OTHER_ACCOUNT),
  ];
  const kindsUnderTest = [
    'invoke-access-denied',
    'apigw-invalid-permissions',
    'apigw-authorizer-invalid-permissions',
  ] as const;

  test.each(denyReasons)('%s: only remove-explicit-deny, only read-only commands', (reason) => {
    for (const kind of kindsUnderTest) {
      for (const principal of principals) {
        const fixes = renderFixes(
          facts({
            kind,
            reason,
            principal,
            function: fnRef('f'),
            api: route('abcdefghij', 'GET', '/x'),
          }),
        );
        expect(kinds(fixes)).toEqual(['remove-explicit-deny']);
        for (const fix of fixes) {
          if (fix.command !== null) expect(fix.command).toMatch(INSPECTION);
          expect(fix.command ?? '').not.toMatch(
            /add-permission|put-role-policy|put-user-policy|update-assume-role-policy/,
          );
        }
      }
    }
  });

  test('SCP named by ARN: describe-policy of that policy id', () => {
    const f = facts({
      principal: assumedRole('caller'),
      function: fnRef('f'),
      reason: 'explicit-deny-scp',
      denyPolicyArn:
        'arn:aws:organizations::111122223333:policy/o-abcdefghij/service_control_policy/p-abcd1234',
    });
    expect(renderFixes(f)[0]?.command).toBe(
      "aws organizations describe-policy --policy-id 'p-abcd1234'",
    );
  });

  test('SCP without ARN: list the SCPs of the caller account', () => {
    const f = facts({
      principal: assumedRole('caller', OTHER_ACCOUNT),
      function: fnRef('f'),
      reason: 'explicit-deny-scp',
    });
    expect(renderFixes(f)[0]?.command).toBe(
      `aws organizations list-policies-for-target --target-id '${OTHER_ACCOUNT}' --filter 'SERVICE_CONTROL_POLICY'`,
    );
  });

  test('permissions boundary: get-role --query Role.PermissionsBoundary', () => {
    const f = facts({
      principal: assumedRole('caller'),
      function: fnRef('f'),
      reason: 'explicit-deny-permissions-boundary',
    });
    expect(renderFixes(f)[0]?.command).toBe(
      "aws iam get-role --role-name 'caller' --query 'Role.PermissionsBoundary'",
    );
  });

  test('resource-based policy: get-policy of the function (with qualifier)', () => {
    const f = facts({
      principal: assumedRole('caller'),
      function: fnRef('f', { qualifier: 'live' }),
      reason: 'explicit-deny-resource-policy',
    });
    expect(renderFixes(f)[0]?.command).toBe(
      `aws lambda get-policy --region 'us-east-1' --function-name 'arn:aws:lambda:us-east-1:${ACCOUNT}:function:f' --qualifier 'live'`,
    );
  });

  test('hostile deny policy ARN is not used', () => {
    const f = facts({
      principal: assumedRole('caller'),
      function: fnRef('f'),
      reason: 'explicit-deny-identity-policy',
      denyPolicyArn: "arn:aws:iam::123456789012:policy/x';id;'",
    });
    const [fix] = renderFixes(f);
    expect(fix?.command).toBe("aws iam list-attached-role-policies --role-name 'caller'");
    expect(fix?.description).not.toContain(';id;');
  });
});

describe('renderFixes: masked and hostile values never reach a command', () => {
  // Principals and functions exactly as real logs masked them (formats 1.2, 1.21, 1.22, 2.3, 2.6).
  const masked: [string, DiagnosisFacts][] = [
    [
      '1.2 xxxx',
      facts({
        principal: {
          arn: 'arn:aws:sts::xxxx:assumed-role/serverlessrepo-aws-deploy-StateMachineExecutionRol-YYXZKF1DNVEG/GGzJDbzYyvarbIioekwoULLKpGuSfJRc',
          type: 'assumed-role',
          accountId: 'xxxx',
          roleName: 'serverlessrepo-aws-deploy-StateMachineExecutionRol-YYXZKF1DNVEG',
          service: null,
        },
        function: {
          arn: 'arn:aws:lambda:us-east-1:xxxx:function:AccountAliasConfigurationFunction',
          name: 'AccountAliasConfigurationFunction',
          qualifier: null,
          accountId: 'xxxx',
          region: 'us-east-1',
        },
        reason: 'no-identity-policy',
      }),
    ],
    [
      '1.21 10-digit placeholder',
      facts({
        principal: assumedRole('LambdaExecutionRole', '1234567890', 'watcher'),
        function: {
          arn: 'arn:aws:lambda:eu-west-2:1234567890:function:registrar',
          name: 'registrar',
          qualifier: null,
          accountId: '1234567890',
          region: 'eu-west-2',
        },
      }),
    ],
    [
      '1.22 95**********',
      facts({
        principal: {
          arn: 'arn:aws:iam::95**********:user/kong-lambda-invoker',
          type: 'iam-user',
          accountId: '95**********',
          roleName: null,
          service: null,
        },
        function: {
          arn: 'arn:aws:lambda:us-west-2:95**********:function:my-lambda',
          name: 'my-lambda',
          qualifier: null,
          accountId: '95**********',
          region: 'us-west-2',
        },
      }),
    ],
    [
      '2.3 11-digit',
      facts({
        kind: 'apigw-invalid-permissions',
        function: {
          arn: 'arn:aws:lambda:us-west-2:99999999999:function:xxxhelloWorld',
          name: 'xxxhelloWorld',
          qualifier: null,
          accountId: '99999999999',
          region: 'us-west-2',
        },
        api: route('abcdefghij', 'GET', '/helloWorld', 'null'),
      }),
    ],
    [
      '2.6 <REGION>/<ACCOUNT_ID>',
      facts({
        kind: 'apigw-invalid-permissions',
        function: {
          arn: 'arn:aws:lambda:<REGION>:<ACCOUNT_ID>:function:simple_regex_lambda',
          name: 'simple_regex_lambda',
          qualifier: null,
          accountId: '<ACCOUNT_ID>',
          region: '<REGION>',
        },
        api: route('abcdefghij', null, null),
      }),
    ],
    [
      'masked function, service caller',
      facts({
        principal: service('s3.amazonaws.com'),
        function: { ...fnRef('f'), arn: null, accountId: '************' },
      }),
    ],
  ];

  test.each(masked)('%s: every grant has command null and says what to fill in', (_name, f) => {
    const fixes = renderFixes(f);
    const grants = fixes.filter((x) => x.kind === 'add-permission' || x.kind === 'identity-policy');
    expect(grants.length).toBeGreaterThan(0);
    for (const fix of grants) {
      expect(fix.command).toBeNull();
      expect(fix.description).toMatch(/masked|unknown|not valid/);
      expect(fix.description).toMatch(/fill in <[A-Z_]+>/);
      expect(fix.cloudformation ?? fix.terraform ?? fix.cdk).toBeUndefined();
    }
  });

  test.each([
    'fn$(touch /tmp/x)',
    'fn`touch /tmp/x`',
    "fn'; touch /tmp/x; '",
    'fn"x',
    'fn\ntouch /tmp/x',
    'fn;id',
  ])('hostile function name %j: no command, no echo of the value', (name) => {
    const fixes = renderFixes(
      facts({
        principal: service('sns.amazonaws.com'),
        function: { ...fnRef('f'), name, arn: null },
      }),
    );
    expect(fixes[0]?.command).toBeNull();
    expect(fixes[0]?.description).toContain('<FUNCTION_NAME>');
    expect(fixes[0]?.description).not.toContain('touch');
  });

  test('hostile API route values: no command', () => {
    const fixes = renderFixes(
      facts({
        kind: 'apigw-invalid-permissions',
        function: fnRef('f'),
        api: route('abcdefghij', 'GET', "/x'$(id)'", 'prod'),
      }),
    );
    expect(fixes[0]?.command).toBeNull();
    expect(fixes[0]?.description).toContain('<RESOURCE_PATH>');
  });

  test('unknown caller: identity-policy explains instead of guessing', () => {
    const fixes = renderFixes(facts({ principal: NO_PRINCIPAL, function: fnRef('f') }));
    expect(kinds(fixes)).toEqual(['identity-policy']);
    expect(fixes[0]?.command).toBeNull();
  });

  test('no function at all: no grant command', () => {
    const fixes = renderFixes(
      facts({ principal: assumedRole('r'), function: NO_FUNCTION, reason: 'no-identity-policy' }),
    );
    expect(fixes.every((x) => x.command === null)).toBe(true);
  });
});

describe('renderFixes: deterministic statement ids', () => {
  const base = facts({
    kind: 'apigw-invalid-permissions',
    function: fnRef('f'),
    api: route('abcdefghij', 'GET', '/a'),
  });
  const sid = (f: DiagnosisFacts) =>
    /--statement-id '([^']+)'/.exec(renderFixes(f)[0]?.command ?? '')?.[1];

  test('same facts, same id; another route, another id', () => {
    expect(sid(base)).toBe(sid(structuredClone(base)));
    expect(sid(base)).not.toBe(sid({ ...base, api: route('abcdefghij', 'GET', '/b') }));
    expect(sid(base)).toMatch(AWS_FORMATS.statementId);
  });
});
