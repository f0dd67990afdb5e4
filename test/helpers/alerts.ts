import type {
  Incident,
  Notification,
  NotificationKind,
} from '../../lambda/core/incidents/incident';
import type { Diagnosis } from '../../lambda/core/types';

/**
 * Diagnoses and incidents for the alert renderers, built by hand (the engine is written
 * concurrently) from real public log lines copied from the public sources in docs/formats.md. The samples are
 * verbatim; principals, functions and routes are the ones those lines (or their source) name.
 * Fixes are written the way the fix renderer is specified to write them.
 */

/**
 * the README troubleshooting notes quoted in docs/formats.md: REST API execution-log line `(142e1846-...) Execution failed due to
 * configuration error: Invalid permissions on Lambda function`; the same README names the API
 * (d3mcwv9k17), the route (ANY /resumes) and the function (resumes-api, us-west-2, 767398066659).
 */
export const apigwInvalidPermissions: Diagnosis = {
  kind: 'apigw-invalid-permissions',
  action: 'lambda:InvokeFunction',
  principal: {
    arn: null,
    type: 'service',
    accountId: null,
    roleName: null,
    service: 'apigateway.amazonaws.com',
  },
  function: {
    arn: 'arn:aws:lambda:us-west-2:767398066659:function:resumes-api',
    name: 'resumes-api',
    qualifier: null,
    accountId: '767398066659',
    region: 'us-west-2',
  },
  api: { id: 'd3mcwv9k17', stage: null, httpMethod: 'ANY', resourcePath: '/resumes' },
  reason: 'unspecified',
  denyPolicyArn: null,
  roleArn: null,
  summary:
    'API Gateway (API d3mcwv9k17, ANY /resumes) cannot invoke Lambda function resumes-api: Invalid permissions on Lambda function.',
  fixes: [
    {
      kind: 'add-permission',
      description:
        "Add a statement to resumes-api's resource-based policy that lets API Gateway API d3mcwv9k17 invoke it for ANY /resumes on every stage.",
      command:
        "aws lambda add-permission --region us-west-2 --function-name arn:aws:lambda:us-west-2:767398066659:function:resumes-api --statement-id invoke-doctor-apigw-d3mcwv9k17 --action lambda:InvokeFunction --principal apigateway.amazonaws.com --source-arn 'arn:aws:execute-api:us-west-2:767398066659:d3mcwv9k17/*/*/resumes'",
      cloudformation: [
        'ResumesApiInvokePermission:',
        '  Type: AWS::Lambda::Permission',
        '  Properties:',
        '    FunctionName: arn:aws:lambda:us-west-2:767398066659:function:resumes-api',
        '    Action: lambda:InvokeFunction',
        '    Principal: apigateway.amazonaws.com',
        "    SourceArn: 'arn:aws:execute-api:us-west-2:767398066659:d3mcwv9k17/*/*/resumes'",
      ].join('\n'),
      terraform: [
        'resource "aws_lambda_permission" "apigw_d3mcwv9k17" {',
        '  statement_id  = "invoke-doctor-apigw-d3mcwv9k17"',
        '  action        = "lambda:InvokeFunction"',
        '  function_name = "arn:aws:lambda:us-west-2:767398066659:function:resumes-api"',
        '  principal     = "apigateway.amazonaws.com"',
        '  source_arn    = "arn:aws:execute-api:us-west-2:767398066659:d3mcwv9k17/*/*/resumes"',
        '}',
      ].join('\n'),
      cdk: [
        "resumesApi.addPermission('InvokeDoctorApiGateway', {",
        "  principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),",
        "  sourceArn: 'arn:aws:execute-api:us-west-2:767398066659:d3mcwv9k17/*/*/resumes',",
        '});',
      ].join('\n'),
    },
  ],
  occurrences: 318,
  firstSeen: '2026-05-04T09:12:03.000Z',
  lastSeen: '2026-05-04T09:26:41.000Z',
  fingerprint: '5f0c3b1d9a7e2c48',
  logGroup: null,
  eventIds: [],
  requestIds: ['142e1846-c13e-4829-825f-d9750f52869a'],
  sample:
    '(142e1846-c13e-4829-825f-d9750f52869a) Execution failed due to configuration error: Invalid permissions on Lambda function',
};

/**
 * test/events/iam-sentence/no-identity-policy.log: Lambda-to-Lambda denial from the AWS CDK workshop (hit counter calling the hello
 * handler), reason clause "because no identity-based policy allows the lambda:InvokeFunction action".
 */
export const lambdaInvokeDenied: Diagnosis = {
  kind: 'invoke-access-denied',
  action: 'lambda:InvokeFunction',
  principal: {
    arn: 'arn:aws:sts::458036673695:assumed-role/CdkWorkshopStack-HelloHitCounterHitCounterHandlerSe-6m8GE1KfO4P6/CdkWorkshopStack-HelloHitCounterHitCounterHandlerD-GbRYSkrqPIYV',
    type: 'assumed-role',
    accountId: '458036673695',
    roleName: 'CdkWorkshopStack-HelloHitCounterHitCounterHandlerSe-6m8GE1KfO4P6',
    service: null,
  },
  function: {
    arn: 'arn:aws:lambda:eu-central-1:458036673695:function:CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD',
    name: 'CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD',
    qualifier: null,
    accountId: '458036673695',
    region: 'eu-central-1',
  },
  api: null,
  reason: 'no-identity-policy',
  denyPolicyArn: null,
  roleArn: null,
  summary:
    'Role CdkWorkshopStack-HelloHitCounterHitCounterHandlerSe-6m8GE1KfO4P6 cannot invoke CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD: no identity-based policy allows lambda:InvokeFunction.',
  fixes: [
    {
      kind: 'identity-policy',
      description:
        'Allow the role CdkWorkshopStack-HelloHitCounterHitCounterHandlerSe-6m8GE1KfO4P6 to invoke the function (and its versions and aliases) in an inline policy.',
      command:
        'aws iam put-role-policy --role-name CdkWorkshopStack-HelloHitCounterHitCounterHandlerSe-6m8GE1KfO4P6 --policy-name invoke-doctor-allow-invoke --policy-document \'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":["arn:aws:lambda:eu-central-1:458036673695:function:CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD","arn:aws:lambda:eu-central-1:458036673695:function:CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD:*"]}]}\'',
      cdk: 'helloHandler.grantInvoke(hitCounterHandler);',
    },
  ],
  occurrences: 42,
  firstSeen: '2026-05-04T10:00:12.000Z',
  lastSeen: '2026-05-04T10:07:55.000Z',
  fingerprint: '9b41e07c3d2a6f15',
  logGroup: '/aws/lambda/CdkWorkshopStack-HelloHitCounterHitCounterHandlerD-GbRYSkrqPIYV',
  eventIds: [],
  requestIds: [],
  sample:
    'User: arn:aws:sts::458036673695:assumed-role/CdkWorkshopStack-HelloHitCounterHitCounterHandlerSe-6m8GE1KfO4P6/CdkWorkshopStack-HelloHitCounterHitCounterHandlerD-GbRYSkrqPIYV is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:eu-central-1:458036673695:function:CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD because no identity-based policy allows the lambda:InvokeFunction action',
};

/**
 * The API Gateway diagnosis after verification: the verdict as the live account would give it for
 * that route (a grant for another stage), with the calls a check makes and a CloudTrail change.
 */
export const verifiedApiDiagnosis: Diagnosis = {
  ...apigwInvalidPermissions,
  verification: {
    status: 'confirmed',
    rootCause: 'source-arn-mismatch',
    checkedAt: '2026-05-04T09:01:02.000Z',
    evidence: [
      { call: 'sts:GetCallerIdentity', result: 'account 767398066659' },
      {
        call: 'apigateway:GetResources region=us-west-2 restApiId=d3mcwv9k17',
        result: '3 resources, 1 Lambda integrations',
      },
      {
        call: 'lambda:GetPolicy region=us-west-2 functionName=arn:aws:lambda:us-west-2:767398066659:function:resumes-api',
        result: '1 statement: beta-only',
      },
      {
        call: 'cloudtrail:LookupEvents region=us-west-2 resourceName=resumes-api',
        result: '1 event: RemovePermission20150331v2 2026-05-04T08:40:00Z',
      },
    ],
    statement: {
      sid: 'beta-only',
      policy: 'resource-based policy',
      subject: 'ArnLike AWS:SourceArn',
      expected: ['arn:aws:execute-api:us-west-2:767398066659:d3mcwv9k17/beta/*/resumes'],
      actual: 'arn:aws:execute-api:us-west-2:767398066659:d3mcwv9k17/prod/GET/resumes',
    },
    change: {
      event: 'RemovePermission20150331v2',
      at: '2026-05-04T08:40:00.000Z',
      actor: 'arn:aws:iam::767398066659:user/deployer via cloudformation.amazonaws.com',
    },
    reason:
      'Statement "beta-only" grants the caller lambda:InvokeFunction, but its ArnLike AWS:SourceArn expects the beta stage and the failing request carries prod.',
    candidates: [],
  },
};

/** The diagnoses every renderer test walks. */
export const DIAGNOSES = {
  'apigw-invalid-permissions': apigwInvalidPermissions,
  'invoke-access-denied': lambdaInvokeDenied,
  verified: verifiedApiDiagnosis,
} as const;

/** An incident around a diagnosis, in the state a notification of `kind` announces. */
export function incidentFor(diagnosis: Diagnosis, kind: NotificationKind): Incident {
  const { eventIds: _e, requestIds: _r, ...stored } = structuredClone(diagnosis);
  const resolved = kind === 'resolved';
  return {
    id: `${diagnosis.fingerprint}-1`,
    fingerprint: diagnosis.fingerprint,
    episode: 1,
    previousIncidentId: null,
    status: resolved ? 'resolved' : 'open',
    diagnosis: stored,
    occurrences: diagnosis.occurrences,
    firstSeen: diagnosis.firstSeen ?? '2026-05-04T09:00:00.000Z',
    lastSeen: diagnosis.lastSeen ?? '2026-05-04T09:00:00.000Z',
    resolvedAt: resolved ? '2026-05-04T10:40:00.000Z' : null,
    hourly: {},
    // A job failing hourly: what a recurring alert and a reminder describe.
    ...(kind === 'recurring' || kind === 'reminder'
      ? {
          recurrence: {
            bursts: 3,
            starts: [
              '2026-05-04T07:00:00.000Z',
              '2026-05-04T08:00:00.000Z',
              '2026-05-04T09:00:00.000Z',
            ],
            announcedAt: '2026-05-04T09:00:05.000Z',
          },
        }
      : {}),
  };
}

/** A notification of `kind` for a diagnosis (update: a quarter of the occurrences are new). */
export function notificationFor(
  diagnosis: Diagnosis,
  kind: NotificationKind,
  newOccurrences = kind === 'update' || kind === 'reminder'
    ? Math.ceil(diagnosis.occurrences / 4)
    : kind === 'opened'
      ? diagnosis.occurrences
      : 0,
): Notification {
  const incident = incidentFor(diagnosis, kind);
  return { kind, incident, newOccurrences, notificationId: `${incident.id}#${kind}#1` };
}

/** Every notification kind. */
export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  'opened',
  'update',
  'recurring',
  'reminder',
  'fixed',
  'resolved',
];

/** Strings that would ping, link or format if Slack parsed them (the injection test's payloads). */
export const SLACK_MARKUP = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U12345>',
  '<#C0123|general>',
  '<!subteam^S123>',
  '<https://evil.example|click>',
  '&amp;',
  '&lt;b&gt;',
  '*bold*',
  '_italic_',
  '~strike~',
  '`code`',
  '```block```',
  '> quote',
  ':rotating_light:',
] as const;
