/**
 * Terraform plans: two real plans from hashicorp/terraform-json's testdata check the envelope;
 * AWS plans are built in the documented `terraform show -json` format (see
 * test/helpers/terraformPlan.ts: no public plan with these resources exists, and `terraform plan`
 * cannot run here), for existing resources (values known) and new ones (known after apply).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSources } from '../../../lambda/core/check/checkSources';
import type { CheckReport } from '../../../lambda/core/check/runCheck';
import { InvalidPayloadError } from '../../../lambda/core/errors';
import { EVENTS_DIR } from '../../helpers/paths';
import { buildPlan, type PlanResourceSpec } from '../../helpers/terraformPlan';

const ACCOUNT = '111122223333';
const FN_ARN = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:orders`;
const INVOKE_ARN = `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${FN_ARN}/invocations`;
const API = 'a1b2c3d4e5';

function check(resources: readonly PlanResourceSpec[]): CheckReport {
  return checkSources([
    { kind: 'terraform', id: 'plan', file: 'plan.json', plan: buildPlan(resources) },
  ]);
}

const without = (resources: readonly PlanResourceSpec[], address: string) =>
  resources.filter((r) => r.address !== address);

/** A REST API in front of a function, everything already deployed (all values known). */
const EXISTING_REST: readonly PlanResourceSpec[] = [
  {
    address: 'aws_lambda_function.orders',
    values: { function_name: 'orders', arn: FN_ARN, invoke_arn: INVOKE_ARN },
    actions: ['no-op'],
  },
  {
    address: 'aws_api_gateway_rest_api.api',
    values: { id: API, root_resource_id: 'r00t1d2e3f', name: 'orders' },
    actions: ['no-op'],
  },
  {
    address: 'aws_api_gateway_resource.orders',
    values: { id: 'res123', parent_id: 'r00t1d2e3f', path_part: 'orders', rest_api_id: API },
    actions: ['no-op'],
  },
  {
    address: 'aws_api_gateway_integration.get',
    values: {
      rest_api_id: API,
      resource_id: 'res123',
      http_method: 'GET',
      type: 'AWS_PROXY',
      uri: INVOKE_ARN,
    },
    actions: ['update'],
  },
  {
    address: 'aws_api_gateway_stage.prod',
    values: { rest_api_id: API, stage_name: 'prod' },
    actions: ['no-op'],
  },
  {
    address: 'aws_lambda_permission.api',
    values: {
      function_name: 'orders',
      action: 'lambda:InvokeFunction',
      principal: 'apigateway.amazonaws.com',
      source_arn: `arn:aws:execute-api:eu-west-1:${ACCOUNT}:${API}/*/GET/orders`,
      statement_id: 'AllowApi',
    },
    actions: ['create'],
  },
];

describe('Terraform plan of existing resources', () => {
  test('the integration is covered by the permission', () => {
    expect(check(EXISTING_REST)).toMatchObject({
      findings: [],
      counts: { callers: 1, allowed: 1 },
    });
  });

  test('without the permission: IDC001 with a runnable add-permission command and a Terraform snippet', () => {
    // Act
    const report = check(without(EXISTING_REST, 'aws_lambda_permission.api'));

    // Assert
    const [finding] = report.findings;
    expect(finding).toMatchObject({
      ruleId: 'IDC001',
      level: 'error',
      location: { file: 'plan.json', resource: 'aws_api_gateway_integration.get' },
    });
    expect(finding?.fix?.command).toContain(
      `aws lambda add-permission --region 'eu-west-1' --function-name '${FN_ARN}'`,
    );
    expect(finding?.fix?.command).toContain(
      `--source-arn 'arn:aws:execute-api:eu-west-1:${ACCOUNT}:${API}/*/GET/orders'`,
    );
    expect(finding?.fix?.terraform).toContain('resource "aws_lambda_permission"');
    expect(finding?.fix?.cloudformation).toBeUndefined();
  });

  test('a grant for another method does not cover GET, and the finding says which grant falls short', () => {
    // Arrange
    const resources = EXISTING_REST.map((r) =>
      r.address === 'aws_lambda_permission.api'
        ? {
            ...r,
            values: {
              ...r.values,
              source_arn: `arn:aws:execute-api:eu-west-1:${ACCOUNT}:${API}/*/POST/orders`,
            },
          }
        : r,
    );

    // Act
    const [finding] = check(resources).findings;

    // Assert
    expect(finding?.related.map((x) => x.location.resource)).toContain('aws_lambda_permission.api');
    expect(finding?.message).toContain('/*/POST/orders');
  });
});

/** The same stack planned from scratch: ids and ARNs are known only after apply. */
const NEW_REST: readonly PlanResourceSpec[] = [
  {
    address: 'aws_lambda_function.orders',
    values: { function_name: 'orders' },
    unknown: { arn: [], invoke_arn: [] },
  },
  {
    address: 'aws_api_gateway_rest_api.api',
    values: { name: 'orders' },
    unknown: { id: [], root_resource_id: [] },
  },
  {
    address: 'aws_api_gateway_resource.orders',
    values: { path_part: 'orders' },
    unknown: {
      rest_api_id: ['aws_api_gateway_rest_api.api.id', 'aws_api_gateway_rest_api.api'],
      parent_id: ['aws_api_gateway_rest_api.api.root_resource_id', 'aws_api_gateway_rest_api.api'],
      id: [],
    },
  },
  {
    address: 'aws_api_gateway_integration.get',
    values: { http_method: 'GET', type: 'AWS_PROXY' },
    unknown: {
      rest_api_id: ['aws_api_gateway_rest_api.api.id', 'aws_api_gateway_rest_api.api'],
      resource_id: ['aws_api_gateway_resource.orders.id', 'aws_api_gateway_resource.orders'],
      uri: ['aws_lambda_function.orders.invoke_arn', 'aws_lambda_function.orders'],
    },
  },
  {
    address: 'aws_api_gateway_stage.prod',
    values: { stage_name: 'prod' },
    unknown: { rest_api_id: ['aws_api_gateway_rest_api.api.id', 'aws_api_gateway_rest_api.api'] },
  },
  {
    address: 'aws_lambda_permission.api',
    values: {
      action: 'lambda:InvokeFunction',
      principal: 'apigateway.amazonaws.com',
      function_name: 'orders',
    },
    unknown: {
      source_arn: ['aws_api_gateway_rest_api.api.execution_arn', 'aws_api_gateway_rest_api.api'],
    },
  },
];

describe('Terraform plan of new resources', () => {
  test('references known only after apply are followed; a source ARN built from one cannot be decided', () => {
    // Act
    const report = check(NEW_REST);

    // Assert
    expect(report.counts).toMatchObject({ callers: 1, cannotTell: 1 });
    expect(report.findings[0]?.message).toContain(
      'aws_lambda_permission.api.source_arn is known only after apply',
    );
  });

  test('without any permission the route fails, and the fix references the API by its Terraform address', () => {
    // Act
    const [finding] = check(without(NEW_REST, 'aws_lambda_permission.api')).findings;

    // Assert
    expect(finding).toMatchObject({ ruleId: 'IDC001', level: 'error' });
    expect(finding?.fix?.command).toBeNull();
    expect(finding?.fix?.terraform).toContain('${aws_api_gateway_rest_api.api.id}/*/GET/orders');
  });
});

describe('a replaced function', () => {
  const replaced = (permissionActions: readonly string[]): PlanResourceSpec[] => [
    {
      address: 'aws_lambda_function.orders',
      values: { function_name: 'orders', package_type: 'Image' },
      before: { function_name: 'orders', arn: FN_ARN, package_type: 'Zip' },
      unknown: { arn: [], invoke_arn: [] },
      actions: ['delete', 'create'],
    },
    {
      address: 'aws_lambda_permission.api',
      values: {
        function_name: 'orders',
        action: 'lambda:InvokeFunction',
        principal: 'sns.amazonaws.com',
      },
      actions: permissionActions,
    },
  ];

  test('IDC009 when the permission on it stays as it is', () => {
    const findings = check(replaced(['no-op'])).findings.filter((f) => f.ruleId === 'IDC009');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      level: 'error',
      location: { resource: 'aws_lambda_permission.api' },
    });
    expect(findings[0]?.message).toContain('replace_triggered_by');
  });

  test('nothing when the permission is replaced with it', () => {
    expect(
      check(replaced(['delete', 'create'])).findings.filter((f) => f.ruleId === 'IDC009'),
    ).toEqual([]);
  });
});

describe('services and roles in a plan', () => {
  const fn: PlanResourceSpec = {
    address: 'aws_lambda_function.worker',
    values: { function_name: 'worker', arn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:worker` },
    actions: ['no-op'],
  };
  const topic = `arn:aws:sns:eu-west-1:${ACCOUNT}:orders`;
  const sns: PlanResourceSpec[] = [
    fn,
    { address: 'aws_sns_topic.orders', values: { name: 'orders', arn: topic }, actions: ['no-op'] },
    {
      address: 'aws_sns_topic_subscription.worker',
      values: {
        protocol: 'lambda',
        endpoint: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:worker`,
        topic_arn: topic,
      },
    },
    {
      address: 'aws_lambda_permission.sns',
      values: {
        function_name: 'worker',
        action: 'lambda:InvokeFunction',
        principal: 'sns.amazonaws.com',
        source_arn: topic,
      },
    },
  ];

  test('an SNS subscription with its permission passes, without it fails IDC006', () => {
    expect(check(sns).findings).toEqual([]);
    expect(check(without(sns, 'aws_lambda_permission.sns')).findings.map((f) => f.ruleId)).toEqual([
      'IDC006',
    ]);
  });

  test('a credentials role must trust API Gateway (IDC003)', () => {
    // Arrange
    const role = (service: string): PlanResourceSpec => ({
      address: 'aws_iam_role.invoke',
      values: {
        name: 'api-invoke',
        path: '/',
        arn: `arn:aws:iam::${ACCOUNT}:role/api-invoke`,
        assume_role_policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' },
          ],
        }),
        inline_policy: [
          {
            name: 'invoke',
            policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: FN_ARN }],
            }),
          },
        ],
      },
      actions: ['no-op'],
    });
    const withRole = (service: string) => [
      ...without(EXISTING_REST, 'aws_lambda_permission.api').map((r) =>
        r.address === 'aws_api_gateway_integration.get'
          ? {
              ...r,
              values: { ...r.values, credentials: `arn:aws:iam::${ACCOUNT}:role/api-invoke` },
            }
          : r,
      ),
      role(service),
    ];

    // Act / Assert
    expect(check(withRole('apigateway.amazonaws.com')).findings).toEqual([]);
    const [finding] = check(withRole('lambda.amazonaws.com')).findings;
    expect(finding).toMatchObject({ ruleId: 'IDC003', level: 'error' });
    expect(finding?.message).toContain('does not trust apigateway.amazonaws.com');
    expect(finding?.fix?.kind).toBe('trust-policy');
  });
});

describe('the plan envelope', () => {
  test.each(['terraform-json-120_basic.plan.json', 'terraform-json-moved_block.plan.json'])(
    'a real plan without AWS resources (%s) reads and finds nothing to check',
    (name) => {
      const plan = JSON.parse(readFileSync(join(EVENTS_DIR, 'check', 'terraform', name), 'utf8'));
      expect(
        checkSources([{ kind: 'terraform', id: name, file: name, plan }]).counts,
      ).toMatchObject({
        callers: 0,
        grants: 0,
      });
    },
  );

  test.each([
    [
      'a format this version does not know',
      { format_version: '2.0', planned_values: {} },
      /format_version "2.0"/,
    ],
    ['no plan content', { format_version: '1.2' }, /neither planned_values nor resource_changes/],
    ['not an object', [], /must be a JSON object/],
  ])('refuses %s', (_, plan, message) => {
    expect(() => checkSources([{ kind: 'terraform', id: 'p', file: 'p.json', plan }])).toThrow(
      InvalidPayloadError,
    );
    expect(() => checkSources([{ kind: 'terraform', id: 'p', file: 'p.json', plan }])).toThrow(
      message,
    );
  });
});
