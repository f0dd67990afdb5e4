/**
 * Reads a Terraform plan (`terraform show -json`, format 1.x) into a CloudFormation-shaped
 * template, so one graph builder and one evaluator serve both: each AWS resource the check
 * follows becomes the CloudFormation resource with the same meaning, planned values become
 * properties, and a value known only after apply becomes the reference it is written as (when
 * the configuration says it is one attribute of one resource) or an unresolved value. It also
 * finds functions the plan replaces while a permission on them stays: Lambda deletes the old
 * function's policy with it, and Terraform keeps the permission in its state.
 */
import { InvalidPayloadError } from '../errors';
import { KNOWN_ATTRIBUTES, UNRESOLVED_INTRINSIC } from './CfnStack';

type Json = Record<string, unknown>;

/** A function replaced while a permission on it is not. */
export interface PlanReplacement {
  readonly functionAddress: string;
  readonly permissionAddress: string;
  readonly why: string;
}

/** The plan as a template. */
export interface PlanTemplate {
  readonly template: Json;
  /** The provider's Region, when the configuration sets it as a constant. */
  readonly region: string | undefined;
  /** The account and partition every known ARN of the plan names, when they agree. */
  readonly account?: string | undefined;
  readonly partition?: string | undefined;
  readonly replacements: readonly PlanReplacement[];
  /** Terraform attribute of each CloudFormation attribute of a translated resource (`Ref` is ''). */
  readonly attributeName: (address: string, attribute: string | undefined) => string;
}

interface PlanResource {
  readonly address: string;
  readonly type: string;
  readonly values: Json;
  readonly unknown: Json;
  readonly expressions: Json;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ref = (address: string) => ({ Ref: address });
const getAtt = (address: string, attribute: string) => ({ 'Fn::GetAtt': [address, attribute] });
const invocation = (arn: unknown) => ({
  'Fn::Sub': [
    'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Arn}/invocations',
    { Arn: arn },
  ],
});

// Terraform addresses hold dots, so they go through Fn::Sub's variable map, never `${...}` text.
const executeApiArn = (a: string) => ({
  'Fn::Sub': [
    'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Id}',
    { Id: ref(a) },
  ],
});

/**
 * What a reference `<address>.<attribute>` is, written as CloudFormation: per resource type,
 * the Terraform attribute and the intrinsic with the same value.
 */
const REFERENCES: Readonly<Record<string, Readonly<Record<string, (a: string) => unknown>>>> = {
  aws_lambda_function: {
    function_name: ref,
    arn: (a) => getAtt(a, 'Arn'),
    invoke_arn: (a) => invocation(getAtt(a, 'Arn')),
  },
  aws_lambda_alias: { arn: ref, invoke_arn: (a) => invocation(ref(a)) },
  aws_api_gateway_rest_api: {
    id: ref,
    root_resource_id: (a) => getAtt(a, 'RootResourceId'),
    execution_arn: (a) => executeApiArn(a),
  },
  aws_api_gateway_resource: { id: ref },
  aws_api_gateway_authorizer: { id: ref },
  aws_apigatewayv2_api: {
    id: ref,
    execution_arn: (a) => executeApiArn(a),
  },
  aws_apigatewayv2_integration: { id: ref },
  aws_apigatewayv2_authorizer: { id: ref },
  aws_cloudwatch_event_rule: { arn: (a) => getAtt(a, 'Arn'), name: ref, id: ref },
  aws_sns_topic: { arn: ref, id: ref },
  aws_s3_bucket: { arn: (a) => getAtt(a, 'Arn'), id: ref, bucket: ref },
  aws_cognito_user_pool: { arn: (a) => getAtt(a, 'Arn'), id: ref },
  aws_cloudwatch_log_group: {
    // Terraform's log group ARN has no `:*` (CloudFormation's has).
    arn: (a) => ({
      'Fn::Sub': [
        'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Name}',
        { Name: ref(a) },
      ],
    }),
    name: ref,
  },
  aws_iot_topic_rule: { arn: (a) => getAtt(a, 'Arn'), name: ref },
  aws_iam_role: { arn: (a) => getAtt(a, 'Arn'), name: ref, id: ref },
  aws_iam_policy: { arn: ref },
};

type Reference = (text: string) => unknown;

/**
 * Attributes whose value, when the configuration names exactly one attribute of one resource, is
 * that attribute (an id, a name or an ARN used whole), with how to build it from the reference.
 * Anything else (a source ARN built from an execution ARN) stays unknown.
 */
const SINGLE_REFERENCE: Readonly<Record<string, (text: string, reference: Reference) => unknown>> =
  {
    ...Object.fromEntries(
      [
        'rest_api_id',
        'resource_id',
        'parent_id',
        'api_id',
        'function_name',
        'qualifier',
        'credentials',
        'credentials_arn',
        'role',
        'role_arn',
        'policy_arn',
        'topic_arn',
        'endpoint',
        'destination_arn',
        'lambda_function_arn',
        'function_arn',
        'bucket',
        'log_group_name',
        'arn',
        'rule',
        'event_bus_name',
        'authorizer_credentials',
        'authorizer_credentials_arn',
        'authorizer_id',
        'integration_uri',
      ].map((name) => [name, (text: string, reference: Reference) => reference(text)]),
    ),
    // A REST integration or authorizer URI is the invocation URI: from a function ARN, wrap it.
    uri: (text, reference) => (/\.arn$/.test(text) ? invocation(reference(text)) : reference(text)),
    authorizer_uri: (text, reference) =>
      /\.arn$/.test(text) ? invocation(reference(text)) : reference(text),
    target: (text, reference) => ({ 'Fn::Join': ['', ['integrations/', reference(text)]] }),
  };

/** The Terraform attribute a CloudFormation `Ref` of each translated type stands for. */
const REF_ATTRIBUTE: Readonly<Record<string, string>> = {
  aws_lambda_function: 'function_name',
  aws_lambda_alias: 'arn',
  aws_sns_topic: 'arn',
  aws_s3_bucket: 'bucket',
  aws_cloudwatch_event_rule: 'name',
  aws_cloudwatch_log_group: 'name',
  aws_iot_topic_rule: 'name',
  aws_iam_role: 'name',
  aws_iam_policy: 'arn',
};

const CFN_ATTRIBUTE_TO_TF: Readonly<Record<string, string>> = {
  Arn: 'arn',
  RootResourceId: 'root_resource_id',
  FunctionUrl: 'function_url',
  Version: 'version',
};

const COGNITO_TRIGGERS: Readonly<Record<string, string>> = {
  create_auth_challenge: 'CreateAuthChallenge',
  custom_message: 'CustomMessage',
  define_auth_challenge: 'DefineAuthChallenge',
  post_authentication: 'PostAuthentication',
  post_confirmation: 'PostConfirmation',
  pre_authentication: 'PreAuthentication',
  pre_sign_up: 'PreSignUp',
  pre_token_generation: 'PreTokenGeneration',
  user_migration: 'UserMigration',
  verify_auth_challenge_response: 'VerifyAuthChallengeResponse',
};

function walkModule(module: unknown, visit: (resource: Json) => void): void {
  if (!isObject(module)) return;
  for (const r of Array.isArray(module.resources) ? module.resources : []) {
    if (isObject(r)) visit(r);
  }
  for (const child of Array.isArray(module.child_modules) ? module.child_modules : []) {
    walkModule(child, visit);
  }
}

function walkConfig(module: unknown, prefix: string, out: Map<string, Json>): void {
  if (!isObject(module)) return;
  for (const r of Array.isArray(module.resources) ? module.resources : []) {
    if (isObject(r) && typeof r.address === 'string' && isObject(r.expressions)) {
      out.set(`${prefix}${r.address}`, r.expressions);
    }
  }
  const calls = isObject(module.module_calls) ? module.module_calls : {};
  for (const [name, call] of Object.entries(calls)) {
    if (isObject(call)) walkConfig(call.module, `${prefix}module.${name}.`, out);
  }
}

/** Validates the envelope; a plan of an unknown major format version is refused. */
function envelope(plan: unknown): Json {
  if (!isObject(plan))
    throw new InvalidPayloadError('bad-plan', 'a Terraform plan must be a JSON object');
  const version = plan.format_version;
  if (typeof version !== 'string' || !/^[01]\.\d+$/.test(version)) {
    throw new InvalidPayloadError(
      'bad-plan',
      `unsupported Terraform plan format_version ${JSON.stringify(version)} (expected 0.x or 1.x, from terraform show -json)`,
    );
  }
  if (!isObject(plan.planned_values) && !Array.isArray(plan.resource_changes)) {
    throw new InvalidPayloadError(
      'bad-plan',
      'the Terraform plan has neither planned_values nor resource_changes',
    );
  }
  return plan;
}

const withoutIndex = (address: string) => address.replace(/\[[^\]]*\]/g, '');

/** Translates a plan. Throws InvalidPayloadError for a document that is not a 1.x plan. */
export function planToTemplate(input: unknown): PlanTemplate {
  const plan = envelope(input);
  const changes = new Map<string, Json>();
  for (const c of Array.isArray(plan.resource_changes) ? plan.resource_changes : []) {
    if (isObject(c) && typeof c.address === 'string' && isObject(c.change))
      changes.set(c.address, c.change);
  }
  const config = new Map<string, Json>();
  walkConfig(isObject(plan.configuration) ? plan.configuration.root_module : undefined, '', config);
  const resources: PlanResource[] = [];
  walkModule(isObject(plan.planned_values) ? plan.planned_values.root_module : undefined, (r) => {
    if (r.mode !== 'managed' || typeof r.address !== 'string' || typeof r.type !== 'string') return;
    const change = changes.get(r.address);
    resources.push({
      address: r.address,
      type: r.type,
      values: isObject(r.values) ? r.values : {},
      unknown: isObject(change?.after_unknown) ? change.after_unknown : {},
      expressions: config.get(withoutIndex(r.address)) ?? {},
    });
  });
  const byAddress = new Map(resources.map((r) => [r.address, r]));

  /** The CloudFormation form of a reference such as `aws_lambda_function.f.arn`. */
  const reference = (text: string): unknown => {
    const dot = text.lastIndexOf('.');
    const address = text.slice(0, dot);
    const attribute = text.slice(dot + 1);
    const target = byAddress.get(address) ?? byAddress.get(`${address}[0]`);
    const build = target ? REFERENCES[target.type]?.[attribute] : undefined;
    if (target && build) return build(target.address);
    return { [UNRESOLVED_INTRINSIC]: `${text} is known only after apply` };
  };

  /** One attribute: its planned value, or the reference it is written as, or unresolved. */
  const field = (value: unknown, unknown: unknown, expression: unknown, label: string): unknown => {
    if (value !== undefined && value !== null) {
      if (Array.isArray(value)) {
        return value.map((v, i) =>
          field(
            v,
            Array.isArray(unknown) ? unknown[i] : undefined,
            Array.isArray(expression) ? expression[i] : undefined,
            label,
          ),
        );
      }
      if (isObject(value)) {
        const out: Json = {};
        for (const [k, v] of Object.entries(value)) {
          out[k] = field(
            v,
            isObject(unknown) ? unknown[k] : undefined,
            isObject(expression) ? expression[k] : undefined,
            `${label}.${k}`,
          );
        }
        return out;
      }
      return value;
    }
    if (unknown !== true) return undefined;
    const refs = (
      isObject(expression) && Array.isArray(expression.references) ? expression.references : []
    ).filter((r): r is string => typeof r === 'string' && r.split('.').length >= 3);
    // `references` lists `x.y.attr` and `x.y`. The plan does not keep the expression text, so
    // one reference is taken as the value only for attributes that hold an id or ARN as a whole.
    const attribute = label.slice(label.lastIndexOf('.') + 1);
    const use = SINGLE_REFERENCE[attribute];
    if (refs.length === 1 && use !== undefined) return use(refs[0] as string, reference);
    return { [UNRESOLVED_INTRINSIC]: `${label} is known only after apply` };
  };
  const v = (r: PlanResource, name: string): unknown =>
    field(r.values[name], r.unknown[name], r.expressions[name], `${r.address}.${name}`);
  const list = (r: PlanResource, name: string): Json[] => {
    const value = v(r, name);
    return Array.isArray(value) ? value.filter(isObject) : [];
  };
  const json = (r: PlanResource, name: string): unknown => {
    const value = v(r, name);
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return { [UNRESOLVED_INTRINSIC]: `${r.address}.${name} is not valid JSON` };
    }
  };
  const defined = (props: Json): Json =>
    Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));

  const out: Json = {};
  const put = (address: string, type: string, props: Json) => {
    const r = byAddress.get(address);
    // Attributes the plan already knows (an existing API's id) are used as they are.
    const known: Json = {};
    if (r) {
      const refValue = r.values[REF_ATTRIBUTE[r.type] ?? 'id'];
      if (typeof refValue === 'string') known.Ref = refValue;
      for (const [cfn, tf] of Object.entries(CFN_ATTRIBUTE_TO_TF)) {
        if (typeof r.values[tf] === 'string') known[cfn] = r.values[tf];
      }
    }
    out[address] = {
      Type: type,
      Properties: defined(props),
      ...(Object.keys(known).length > 0 ? { Metadata: { [KNOWN_ATTRIBUTES]: known } } : {}),
    };
  };
  const integrationsByMethod = new Set<string>();
  const targetsByRule = new Map<string, Json[]>();
  const attachments = new Map<string, unknown[]>();

  for (const r of resources) {
    if (r.type === 'aws_cloudwatch_event_target') {
      const rule = v(r, 'rule');
      const key = JSON.stringify(rule);
      targetsByRule.set(key, [
        ...(targetsByRule.get(key) ?? []),
        defined({ Arn: v(r, 'arn'), RoleArn: v(r, 'role_arn'), Id: v(r, 'target_id') }),
      ]);
    }
    if (r.type === 'aws_iam_role_policy_attachment') {
      const role = JSON.stringify(v(r, 'role'));
      attachments.set(role, [...(attachments.get(role) ?? []), v(r, 'policy_arn')]);
    }
  }

  for (const r of resources) {
    switch (r.type) {
      case 'aws_lambda_function':
        put(r.address, 'AWS::Lambda::Function', { FunctionName: v(r, 'function_name') });
        break;
      case 'aws_lambda_alias':
        put(r.address, 'AWS::Lambda::Alias', {
          FunctionName: v(r, 'function_name'),
          Name: v(r, 'name'),
        });
        break;
      case 'aws_lambda_permission': {
        const fn = v(r, 'function_name');
        const qualifier = v(r, 'qualifier');
        put(r.address, 'AWS::Lambda::Permission', {
          FunctionName:
            qualifier === undefined || qualifier === ''
              ? fn
              : { 'Fn::Join': [':', [fn, qualifier]] },
          Action: v(r, 'action'),
          Principal: v(r, 'principal'),
          SourceArn: v(r, 'source_arn'),
          SourceAccount: v(r, 'source_account'),
          PrincipalOrgID: v(r, 'principal_org_id'),
          EventSourceToken: v(r, 'event_source_token'),
          FunctionUrlAuthType: v(r, 'function_url_auth_type'),
        });
        break;
      }
      case 'aws_lambda_function_url':
        put(r.address, 'AWS::Lambda::Url', {
          TargetFunctionArn: v(r, 'function_name'),
          Qualifier: v(r, 'qualifier'),
          AuthType: v(r, 'authorization_type'),
        });
        break;
      case 'aws_api_gateway_rest_api':
        put(r.address, 'AWS::ApiGateway::RestApi', { Body: json(r, 'body') });
        break;
      case 'aws_api_gateway_resource':
        put(r.address, 'AWS::ApiGateway::Resource', {
          RestApiId: v(r, 'rest_api_id'),
          ParentId: v(r, 'parent_id'),
          PathPart: v(r, 'path_part'),
        });
        break;
      case 'aws_api_gateway_integration': {
        integrationsByMethod.add(r.address);
        put(r.address, 'AWS::ApiGateway::Method', {
          RestApiId: v(r, 'rest_api_id'),
          ResourceId: v(r, 'resource_id'),
          HttpMethod: v(r, 'http_method'),
          Integration: defined({
            Type: v(r, 'type'),
            Uri: v(r, 'uri'),
            Credentials: v(r, 'credentials'),
          }),
        });
        break;
      }
      case 'aws_api_gateway_stage':
        put(r.address, 'AWS::ApiGateway::Stage', {
          RestApiId: v(r, 'rest_api_id'),
          StageName: v(r, 'stage_name'),
          Variables: v(r, 'variables'),
        });
        break;
      case 'aws_api_gateway_deployment':
        put(r.address, 'AWS::ApiGateway::Deployment', {
          RestApiId: v(r, 'rest_api_id'),
          StageName: v(r, 'stage_name'),
        });
        break;
      case 'aws_api_gateway_authorizer':
        put(r.address, 'AWS::ApiGateway::Authorizer', {
          RestApiId: v(r, 'rest_api_id'),
          Type: v(r, 'type') ?? 'TOKEN',
          AuthorizerUri: v(r, 'authorizer_uri'),
          AuthorizerCredentials: v(r, 'authorizer_credentials'),
        });
        break;
      case 'aws_apigatewayv2_api':
        put(r.address, 'AWS::ApiGatewayV2::Api', {
          ProtocolType: v(r, 'protocol_type'),
          Target: v(r, 'target'),
          RouteKey: v(r, 'route_key'),
          CredentialsArn: v(r, 'credentials_arn'),
          Body: json(r, 'body'),
        });
        break;
      case 'aws_apigatewayv2_integration':
        put(r.address, 'AWS::ApiGatewayV2::Integration', {
          ApiId: v(r, 'api_id'),
          IntegrationType: v(r, 'integration_type'),
          IntegrationUri: v(r, 'integration_uri'),
          IntegrationSubtype: v(r, 'integration_subtype'),
          CredentialsArn: v(r, 'credentials_arn'),
        });
        break;
      case 'aws_apigatewayv2_route':
        put(r.address, 'AWS::ApiGatewayV2::Route', {
          ApiId: v(r, 'api_id'),
          RouteKey: v(r, 'route_key'),
          Target: v(r, 'target'),
        });
        break;
      case 'aws_apigatewayv2_stage':
        put(r.address, 'AWS::ApiGatewayV2::Stage', {
          ApiId: v(r, 'api_id'),
          StageName: v(r, 'name'),
          StageVariables: v(r, 'stage_variables'),
        });
        break;
      case 'aws_apigatewayv2_authorizer':
        put(r.address, 'AWS::ApiGatewayV2::Authorizer', {
          ApiId: v(r, 'api_id'),
          AuthorizerType: v(r, 'authorizer_type'),
          AuthorizerUri: v(r, 'authorizer_uri'),
          AuthorizerCredentialsArn: v(r, 'authorizer_credentials_arn'),
        });
        break;
      case 'aws_cloudwatch_event_rule': {
        const name = v(r, 'name');
        const targets = [
          ...(targetsByRule.get(JSON.stringify(name)) ?? []),
          ...(targetsByRule.get(JSON.stringify(ref(r.address))) ?? []),
        ];
        put(r.address, 'AWS::Events::Rule', {
          Name: name,
          EventBusName: v(r, 'event_bus_name'),
          Targets: targets,
        });
        break;
      }
      case 'aws_sns_topic':
        put(r.address, 'AWS::SNS::Topic', { TopicName: v(r, 'name') });
        break;
      case 'aws_sns_topic_subscription':
        put(r.address, 'AWS::SNS::Subscription', {
          Protocol: v(r, 'protocol'),
          Endpoint: v(r, 'endpoint'),
          TopicArn: v(r, 'topic_arn'),
        });
        break;
      case 'aws_s3_bucket':
        put(r.address, 'AWS::S3::Bucket', { BucketName: v(r, 'bucket') });
        break;
      case 'aws_s3_bucket_notification':
        put(r.address, 'Custom::S3BucketNotifications', {
          BucketName: v(r, 'bucket'),
          NotificationConfiguration: {
            LambdaFunctionConfigurations: list(r, 'lambda_function').map((l) => ({
              LambdaFunctionArn: l.lambda_function_arn,
              Events: l.events,
            })),
          },
        });
        break;
      case 'aws_cognito_user_pool': {
        const config = list(r, 'lambda_config')[0] ?? {};
        const lambdaConfig: Json = {};
        for (const [key, value] of Object.entries(config)) {
          const trigger = COGNITO_TRIGGERS[key];
          if (trigger && value !== undefined && value !== null && value !== '')
            lambdaConfig[trigger] = value;
        }
        put(r.address, 'AWS::Cognito::UserPool', { LambdaConfig: lambdaConfig });
        break;
      }
      case 'aws_cloudwatch_log_group':
        put(r.address, 'AWS::Logs::LogGroup', { LogGroupName: v(r, 'name') });
        break;
      case 'aws_cloudwatch_log_subscription_filter':
        put(r.address, 'AWS::Logs::SubscriptionFilter', {
          DestinationArn: v(r, 'destination_arn'),
          LogGroupName: v(r, 'log_group_name'),
        });
        break;
      case 'aws_iot_topic_rule':
        put(r.address, 'AWS::IoT::TopicRule', {
          RuleName: v(r, 'name'),
          TopicRulePayload: {
            Actions: list(r, 'lambda').map((l) => ({ Lambda: { FunctionArn: l.function_arn } })),
          },
        });
        break;
      case 'aws_iam_role': {
        const name = v(r, 'name');
        put(r.address, 'AWS::IAM::Role', {
          RoleName: name,
          Path: v(r, 'path'),
          AssumeRolePolicyDocument: json(r, 'assume_role_policy'),
          Policies: list(r, 'inline_policy')
            .filter((p) => typeof p.policy === 'string')
            .map((p) => ({ PolicyName: p.name, PolicyDocument: JSON.parse(p.policy as string) })),
          ManagedPolicyArns: [
            ...(attachments.get(JSON.stringify(name)) ?? []),
            ...(attachments.get(JSON.stringify(ref(r.address))) ?? []),
          ],
        });
        break;
      }
      case 'aws_iam_role_policy':
        put(r.address, 'AWS::IAM::Policy', {
          Roles: [v(r, 'role')],
          PolicyDocument: json(r, 'policy'),
        });
        break;
      case 'aws_iam_policy':
        put(r.address, 'AWS::IAM::ManagedPolicy', {
          ManagedPolicyName: v(r, 'name'),
          Path: v(r, 'path'),
          PolicyDocument: json(r, 'policy'),
        });
        break;
      default:
        break;
    }
  }

  const configuration = isObject(plan.configuration) ? plan.configuration : {};
  const providers = isObject(configuration.provider_config) ? configuration.provider_config : {};
  const aws = isObject(providers.aws) ? providers.aws : undefined;
  const regionExpr = isObject(aws?.expressions) ? aws.expressions.region : undefined;
  const region =
    isObject(regionExpr) && typeof regionExpr.constant_value === 'string'
      ? regionExpr.constant_value
      : undefined;

  return {
    template: { Resources: out },
    region,
    ...accountOf(resources),
    replacements: replacements(resources, changes),
    attributeName: (address, attribute) => {
      const type = byAddress.get(address)?.type ?? '';
      if (attribute === undefined) return REF_ATTRIBUTE[type] ?? 'id';
      return CFN_ATTRIBUTE_TO_TF[attribute] ?? attribute.toLowerCase();
    },
  };
}

/**
 * The account and partition of the plan, when the ARNs it already knows all name the same ones
 * (a plan is made with one set of credentials; AWS-managed policy ARNs name no account).
 */
function accountOf(resources: readonly PlanResource[]): { account?: string; partition?: string } {
  const accounts = new Set<string>();
  const partitions = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const m of value.matchAll(/arn:(aws[a-z-]*):[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/g)) {
        partitions.add(m[1] as string);
        accounts.add(m[2] as string);
      }
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) Object.values(value).forEach(visit);
  };
  for (const r of resources) visit(r.values);
  return {
    ...(accounts.size === 1 ? { account: [...accounts][0] as string } : {}),
    ...(partitions.size === 1 ? { partition: [...partitions][0] as string } : {}),
  };
}

/** Functions the plan replaces, and permissions on them the plan leaves as they are. */
function replacements(
  resources: readonly PlanResource[],
  changes: ReadonlyMap<string, Json>,
): PlanReplacement[] {
  const out: PlanReplacement[] = [];
  const actionsOf = (address: string): string[] => {
    const a = changes.get(address)?.actions;
    return Array.isArray(a) ? a.filter((x): x is string => typeof x === 'string') : [];
  };
  for (const fn of resources) {
    if (fn.type !== 'aws_lambda_function') continue;
    const actions = actionsOf(fn.address);
    if (!(actions.includes('delete') && actions.includes('create'))) continue;
    const before = changes.get(fn.address)?.before;
    const names = new Set<string>();
    for (const source of [fn.values, isObject(before) ? before : {}]) {
      for (const key of ['function_name', 'arn']) {
        if (typeof source[key] === 'string') names.add(source[key] as string);
      }
    }
    for (const p of resources) {
      if (p.type !== 'aws_lambda_permission') continue;
      const refs = JSON.stringify(p.expressions.function_name ?? {});
      const name = p.values.function_name;
      const onIt =
        refs.includes(`"${withoutIndex(fn.address)}`) ||
        (typeof name === 'string' && names.has(name));
      if (!onIt) continue;
      const pActions = actionsOf(p.address);
      if (pActions.includes('delete') || pActions.includes('create')) continue;
      out.push({
        functionAddress: fn.address,
        permissionAddress: p.address,
        why: `the plan replaces the function (${actions.join(', ')}) and leaves the permission as ${pActions.join(', ') || 'is'}; Lambda deletes the old function's policy with it, so after apply the permission is gone while the state still lists it (re-plan or add replace_triggered_by)`,
      });
    }
  }
  return out;
}
