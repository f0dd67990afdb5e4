/**
 * Expands the parts of a SAM template (`Transform: AWS::Serverless-2016-10-31`) that decide who
 * may invoke what, the way the SAM translator does: functions (with `AutoPublishAlias` and
 * `FunctionUrlConfig`), their `Api`, `HttpApi`, schedule/EventBridge, SNS, S3, CloudWatch Logs,
 * IoT and Cognito events, and `AWS::Serverless::Api` / `HttpApi` with their Lambda authorizers,
 * including the `AWS::Lambda::Permission` resources SAM generates (and the ones it does not, such
 * as HTTP API authorizers without `EnableFunctionDefaultPermissions`). Logical ids follow SAM's
 * naming. Resources of other types pass through unchanged. Every generated resource records the
 * SAM resource it came from, so findings point at the line the user wrote.
 */

type Json = Record<string, unknown>;

/** The metadata key naming the SAM resource a generated resource came from. */
export const SAM_ORIGIN = 'invoke-doctor:origin';

const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether a template is SAM: it asks for the transform, or it declares `AWS::Serverless::*`
 * resources, which CloudFormation accepts only through the transform (the translator's own test
 * inputs leave the `Transform` line out).
 */
export function isSamTemplate(template: Json): boolean {
  const t = template.Transform;
  if (t === SAM_TRANSFORM || (Array.isArray(t) && t.includes(SAM_TRANSFORM))) return true;
  const resources = isObject(template.Resources) ? Object.values(template.Resources) : [];
  return resources.some(
    (r) => isObject(r) && typeof r.Type === 'string' && r.Type.startsWith('AWS::Serverless::'),
  );
}

const alnum = (text: string) => text.replace(/[^A-Za-z0-9]/g, '');

const API_PERMISSION_ARN =
  'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}';

function invocationUri(functionArn: unknown): unknown {
  return {
    'Fn::Sub': [
      'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__FunctionArn__}/invocations',
      { __FunctionArn__: functionArn },
    ],
  };
}

/** The permission's path part: parameters become `*`, a trailing slash goes. */
function permissionPath(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/$/, '') : path;
  return trimmed.replace(/\{([a-zA-Z0-9._-]+|[a-zA-Z0-9._-]+\+|proxy\+)\}/g, '*');
}

interface ApiPlan {
  readonly logicalId: string;
  readonly kind: 'rest' | 'http';
  readonly origin: string;
  readonly body: Json;
  readonly explicit: Json | undefined;
}

/** Merges `Globals` into a resource's properties (shallow, resource properties win). */
function withGlobals(template: Json, section: string, properties: Json): Json {
  const globals = isObject(template.Globals) ? template.Globals[section] : undefined;
  return isObject(globals) ? { ...globals, ...properties } : properties;
}

/** A parameter's default when SAM would resolve a `Ref` to it (`AutoPublishAlias: !Ref Stage`). */
function literal(template: Json, value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value.Ref === 'string') {
    const parameters = isObject(template.Parameters) ? template.Parameters : {};
    const p = parameters[value.Ref];
    return isObject(p) && typeof p.Default === 'string' ? p.Default : undefined;
  }
  return undefined;
}

/** Returns the template with its SAM resources expanded into CloudFormation resources. */
export function expandSam(template: Json): Json {
  const resources = isObject(template.Resources) ? template.Resources : {};
  const out: Json = {};
  const apis = new Map<string, ApiPlan>();
  const add = (id: string, origin: string, resource: Json) => {
    out[id] = { ...resource, Metadata: { ...(resource.Metadata as Json), [SAM_ORIGIN]: origin } };
  };

  // Explicit APIs first, so events can add their routes to them.
  for (const [id, raw] of Object.entries(resources)) {
    if (!isObject(raw)) continue;
    if (raw.Type !== 'AWS::Serverless::Api' && raw.Type !== 'AWS::Serverless::HttpApi') continue;
    const rest = raw.Type === 'AWS::Serverless::Api';
    const props = withGlobals(
      template,
      rest ? 'Api' : 'HttpApi',
      isObject(raw.Properties) ? raw.Properties : {},
    );
    const body = isObject(props.DefinitionBody)
      ? (structuredClone(props.DefinitionBody) as Json)
      : rest
        ? { swagger: '2.0', paths: {} }
        : { openapi: '3.0.1', paths: {} };
    apis.set(id, {
      logicalId: id,
      kind: rest ? 'rest' : 'http',
      origin: id,
      body,
      explicit: props,
    });
  }

  const implicit = (kind: 'rest' | 'http'): ApiPlan => {
    const id = kind === 'rest' ? 'ServerlessRestApi' : 'ServerlessHttpApi';
    let plan = apis.get(id);
    if (plan === undefined) {
      plan = {
        logicalId: id,
        kind,
        origin: id,
        body: kind === 'rest' ? { swagger: '2.0', paths: {} } : { openapi: '3.0.1', paths: {} },
        explicit: undefined,
      };
      apis.set(id, plan);
    }
    return plan;
  };
  const apiFor = (
    kind: 'rest' | 'http',
    ref: unknown,
  ): { plan: ApiPlan | undefined; id: unknown } => {
    if (ref === undefined) {
      const plan = implicit(kind);
      return { plan, id: { Ref: plan.logicalId } };
    }
    const name = isObject(ref) && typeof ref.Ref === 'string' ? ref.Ref : undefined;
    return { plan: name ? apis.get(name) : undefined, id: ref };
  };

  for (const [id, raw] of Object.entries(resources)) {
    if (!isObject(raw)) continue;
    if (raw.Type !== 'AWS::Serverless::Function') {
      // An S3 or Cognito event may already have added its configuration to this resource.
      if (raw.Type !== 'AWS::Serverless::Api' && raw.Type !== 'AWS::Serverless::HttpApi') {
        out[id] ??= raw;
      }
      continue;
    }
    const props = withGlobals(template, 'Function', isObject(raw.Properties) ? raw.Properties : {});
    const condition = typeof raw.Condition === 'string' ? { Condition: raw.Condition } : {};
    const fn: Json = { Type: 'AWS::Lambda::Function', ...condition, Properties: {} };
    if (props.FunctionName !== undefined) (fn.Properties as Json).FunctionName = props.FunctionName;
    add(id, id, fn);
    if (props.Role === undefined) {
      // The execution role SAM creates; its policies from `Policies` are not modelled (unknown).
      add(`${id}Role`, id, {
        Type: 'AWS::IAM::Role',
        ...condition,
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Action: ['sts:AssumeRole'],
                Effect: 'Allow',
                Principal: { Service: ['lambda.amazonaws.com'] },
              },
            ],
          },
          ManagedPolicyArns: [
            {
              'Fn::Sub':
                'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
            },
          ],
          ...(props.Policies !== undefined ? { Policies: [{ PolicyName: 'sam-policies' }] } : {}),
        },
      });
    }
    const aliasName = literal(template, props.AutoPublishAlias);
    const aliasId = aliasName === undefined ? undefined : `${id}Alias${alnum(aliasName)}`;
    if (aliasId !== undefined) {
      add(aliasId, id, {
        Type: 'AWS::Lambda::Alias',
        ...condition,
        Properties: { FunctionName: { Ref: id }, Name: aliasName },
      });
    }
    // What events point at: the alias when there is one, else the function.
    const target = aliasId ? { Ref: aliasId } : { Ref: id };
    const targetArn = aliasId ? { Ref: aliasId } : { 'Fn::GetAtt': [id, 'Arn'] };
    const permission = (permissionId: string, properties: Json) =>
      add(permissionId, id, {
        Type: 'AWS::Lambda::Permission',
        ...condition,
        Properties: { Action: 'lambda:InvokeFunction', FunctionName: target, ...properties },
      });

    const url = isObject(props.FunctionUrlConfig) ? props.FunctionUrlConfig : undefined;
    if (url) {
      add(`${id}Url`, id, {
        Type: 'AWS::Lambda::Url',
        ...condition,
        Properties: {
          TargetFunctionArn: { Ref: id },
          AuthType: url.AuthType,
          ...(aliasName ? { Qualifier: aliasName } : {}),
        },
      });
      if (url.AuthType === 'NONE') {
        add(`${id}UrlPublicPermissions`, id, {
          Type: 'AWS::Lambda::Permission',
          ...condition,
          Properties: {
            Action: 'lambda:InvokeFunctionUrl',
            FunctionName: target,
            FunctionUrlAuthType: 'NONE',
            Principal: '*',
          },
        });
        add(`${id}URLInvokeAllowPublicAccess`, id, {
          Type: 'AWS::Lambda::Permission',
          ...condition,
          Properties: {
            Action: 'lambda:InvokeFunction',
            FunctionName: target,
            InvokedViaFunctionUrl: true,
            Principal: '*',
          },
        });
      }
    }

    const events = isObject(props.Events) ? props.Events : {};
    for (const [eventId, event] of Object.entries(events)) {
      if (!isObject(event)) continue;
      const p = isObject(event.Properties) ? event.Properties : {};
      const own = `${id}${eventId}`;
      switch (event.Type) {
        case 'Api': {
          const { plan, id: apiId } = apiFor('rest', p.RestApiId);
          const path = typeof p.Path === 'string' ? p.Path : '/';
          const method = typeof p.Method === 'string' ? p.Method.toLowerCase() : 'any';
          const stage = plan?.explicit ? literal(template, plan.explicit.StageName) : 'Prod';
          if (plan)
            addRoute(
              plan,
              path,
              method,
              invocationUri(aliasId ? { Ref: aliasId } : { 'Fn::GetAtt': [id, 'Arn'] }),
            );
          permission(`${own}Permission${alnum(stage ?? 'Stage')}`, {
            Principal: 'apigateway.amazonaws.com',
            SourceArn: {
              'Fn::Sub': [
                `${API_PERMISSION_ARN}/\${__Stage__}/${method === 'any' ? '*' : method.toUpperCase()}${permissionPath(path)}`,
                { __ApiId__: apiId, __Stage__: '*' },
              ],
            },
          });
          break;
        }
        case 'HttpApi': {
          const { plan, id: apiId } = apiFor('http', p.ApiId);
          const raw = typeof p.Path === 'string' ? p.Path.replace(/^(.+)\/$/, '$1') : '$default';
          const method = typeof p.Method === 'string' ? p.Method.toLowerCase() : 'any';
          const uri = invocationUri(aliasId ? { Ref: aliasId } : { 'Fn::GetAtt': [id, 'Arn'] });
          if (plan) addRoute(plan, raw === '/$default' ? '$default' : raw, method, uri);
          // As the translator writes it: `$default` alone becomes `/*`, `/$default` with ANY stays.
          const path = raw === '$default' ? '' : permissionPath(raw);
          const verb = method === 'any' ? '*' : method.toUpperCase();
          const resource = method === 'any' && path === '/$default' ? path : `/${verb}${path}`;
          permission(`${own}Permission`, {
            Principal: 'apigateway.amazonaws.com',
            SourceArn: {
              'Fn::Sub': [
                `${API_PERMISSION_ARN}/\${__Stage__}${resource}`,
                { __ApiId__: apiId, __Stage__: '*' },
              ],
            },
          });
          break;
        }
        case 'Schedule':
        case 'CloudWatchEvent':
        case 'EventBridgeRule': {
          const rule: Json = {
            Targets: [{ Arn: targetArn, Id: `${own}LambdaTarget` }],
          };
          if (p.Schedule !== undefined) rule.ScheduleExpression = p.Schedule;
          if (p.Pattern !== undefined) rule.EventPattern = p.Pattern;
          if (p.EventBusName !== undefined) rule.EventBusName = p.EventBusName;
          if (p.Name !== undefined) rule.Name = p.Name;
          add(own, id, { Type: 'AWS::Events::Rule', ...condition, Properties: rule });
          permission(`${own}Permission`, {
            Principal: 'events.amazonaws.com',
            SourceArn: { 'Fn::GetAtt': [own, 'Arn'] },
          });
          break;
        }
        case 'SNS':
          add(own, id, {
            Type: 'AWS::SNS::Subscription',
            ...condition,
            Properties: { Endpoint: targetArn, Protocol: 'lambda', TopicArn: p.Topic },
          });
          permission(`${own}Permission`, { Principal: 'sns.amazonaws.com', SourceArn: p.Topic });
          break;
        case 'S3': {
          const bucket =
            isObject(p.Bucket) && typeof p.Bucket.Ref === 'string' ? p.Bucket.Ref : undefined;
          const existing = bucket ? (out[bucket] ?? resources[bucket]) : undefined;
          if (bucket && isObject(existing)) {
            const bucketProps = isObject(existing.Properties) ? { ...existing.Properties } : {};
            const config = isObject(bucketProps.NotificationConfiguration)
              ? { ...bucketProps.NotificationConfiguration }
              : {};
            const list = Array.isArray(config.LambdaConfigurations)
              ? [...config.LambdaConfigurations]
              : [];
            const events = Array.isArray(p.Events) ? p.Events : [p.Events];
            for (const e of events) list.push({ Event: e, Function: targetArn });
            config.LambdaConfigurations = list;
            bucketProps.NotificationConfiguration = config;
            out[bucket] = { ...existing, Properties: bucketProps };
          }
          permission(`${own}Permission`, {
            Principal: 's3.amazonaws.com',
            SourceAccount: { Ref: 'AWS::AccountId' },
          });
          break;
        }
        case 'CloudWatchLogs':
          add(own, id, {
            Type: 'AWS::Logs::SubscriptionFilter',
            ...condition,
            Properties: {
              DestinationArn: targetArn,
              FilterPattern: p.FilterPattern,
              LogGroupName: p.LogGroupName,
            },
          });
          permission(`${own}Permission`, {
            Principal: 'logs.amazonaws.com',
            SourceArn: {
              'Fn::Sub': [
                'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${__LogGroupName__}:*',
                { __LogGroupName__: p.LogGroupName },
              ],
            },
          });
          break;
        case 'IoTRule':
          add(own, id, {
            Type: 'AWS::IoT::TopicRule',
            ...condition,
            Properties: {
              TopicRulePayload: { Sql: p.Sql, Actions: [{ Lambda: { FunctionArn: targetArn } }] },
            },
          });
          permission(`${own}Permission`, {
            Principal: 'iot.amazonaws.com',
            SourceAccount: { 'Fn::Sub': '${AWS::AccountId}' },
            SourceArn: {
              'Fn::Sub': [
                'arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:rule/${RuleName}',
                { RuleName: { Ref: own } },
              ],
            },
          });
          break;
        case 'Cognito': {
          const pool =
            isObject(p.UserPool) && typeof p.UserPool.Ref === 'string' ? p.UserPool.Ref : undefined;
          const existing = pool ? (out[pool] ?? resources[pool]) : undefined;
          if (pool && isObject(existing)) {
            const poolProps = isObject(existing.Properties) ? { ...existing.Properties } : {};
            const config = isObject(poolProps.LambdaConfig) ? { ...poolProps.LambdaConfig } : {};
            const triggers = Array.isArray(p.Trigger) ? p.Trigger : [p.Trigger];
            for (const t of triggers) if (typeof t === 'string') config[t] = targetArn;
            poolProps.LambdaConfig = config;
            out[pool] = { ...existing, Properties: poolProps };
          }
          permission(`${id}CognitoPermission`, {
            Principal: 'cognito-idp.amazonaws.com',
            SourceArn: { 'Fn::GetAtt': [pool ?? 'UserPool', 'Arn'] },
          });
          break;
        }
        default:
          break;
      }
    }
  }

  for (const plan of apis.values()) emitApi(template, plan, add);
  return { ...template, Transform: undefined, Resources: out };
}

function child(parent: Json, key: string): Json {
  const existing = parent[key];
  if (isObject(existing)) return existing;
  const created: Json = {};
  parent[key] = created;
  return created;
}

function addRoute(plan: ApiPlan, path: string, method: string, uri: unknown): void {
  const item = child(child(plan.body, 'paths'), path);
  const operation = child(item, method === 'any' ? 'x-amazon-apigateway-any-method' : method);
  operation['x-amazon-apigateway-integration'] = {
    type: 'aws_proxy',
    httpMethod: 'POST',
    uri,
  };
}

function emitApi(
  template: Json,
  plan: ApiPlan,
  add: (id: string, origin: string, resource: Json) => void,
): void {
  const props = plan.explicit ?? {};
  const auth = isObject(props.Auth) ? props.Auth : {};
  const authorizers = isObject(auth.Authorizers) ? auth.Authorizers : {};
  const schemesKey = plan.kind === 'rest' ? 'securityDefinitions' : 'components';
  const schemes: Json = {};
  for (const [name, raw] of Object.entries(authorizers)) {
    if (!isObject(raw) || raw.FunctionArn === undefined) continue;
    const payload = typeof raw.FunctionPayloadType === 'string' ? raw.FunctionPayloadType : 'TOKEN';
    schemes[name] = {
      type: 'apiKey',
      name: 'Authorization',
      in: 'header',
      'x-amazon-apigateway-authorizer': {
        type: plan.kind === 'http' ? 'request' : payload.toLowerCase(),
        authorizerUri: invocationUri(raw.FunctionArn),
        ...(raw.FunctionInvokeRole !== undefined
          ? { authorizerCredentials: raw.FunctionInvokeRole }
          : {}),
      },
    };
    const grants =
      plan.kind === 'rest'
        ? raw.DisableFunctionDefaultPermissions !== true
        : raw.EnableFunctionDefaultPermissions === true;
    if (!grants) continue;
    add(`${plan.logicalId}${name}AuthorizerPermission`, plan.origin, {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: raw.FunctionArn,
        Principal: 'apigateway.amazonaws.com',
        SourceArn: {
          'Fn::Sub': [
            `${API_PERMISSION_ARN}/authorizers/*`,
            { __ApiId__: { Ref: plan.logicalId } },
          ],
        },
      },
    });
  }
  if (Object.keys(schemes).length > 0) {
    if (schemesKey === 'components') {
      const components = isObject(plan.body.components) ? plan.body.components : {};
      const existing = isObject(components.securitySchemes) ? components.securitySchemes : {};
      plan.body.components = { ...components, securitySchemes: { ...existing, ...schemes } };
    } else {
      const existing = isObject(plan.body.securityDefinitions) ? plan.body.securityDefinitions : {};
      plan.body.securityDefinitions = { ...existing, ...schemes };
    }
  }
  const s3 = props.DefinitionUri;
  const apiProps: Json =
    s3 !== undefined && props.DefinitionBody === undefined
      ? { BodyS3Location: s3 }
      : { Body: plan.body };
  if (plan.kind === 'rest') {
    add(plan.logicalId, plan.origin, { Type: 'AWS::ApiGateway::RestApi', Properties: apiProps });
    const stageName = props.StageName ?? 'Prod';
    const suffix = alnum(literal(template, stageName) ?? 'Stage');
    add(`${plan.logicalId}${suffix}Stage`, plan.origin, {
      Type: 'AWS::ApiGateway::Stage',
      Properties: {
        RestApiId: { Ref: plan.logicalId },
        StageName: stageName,
        ...(props.Variables !== undefined ? { Variables: props.Variables } : {}),
      },
    });
  } else {
    add(plan.logicalId, plan.origin, {
      Type: 'AWS::ApiGatewayV2::Api',
      Properties: { ...apiProps, ProtocolType: 'HTTP' },
    });
    const stageName = props.StageName ?? '$default';
    add(
      stageName === '$default'
        ? `${plan.logicalId}ApiGatewayDefaultStage`
        : `${plan.logicalId}${alnum(literal(template, stageName) ?? 'Stage')}Stage`,
      plan.origin,
      {
        Type: 'AWS::ApiGatewayV2::Stage',
        Properties: {
          ApiId: { Ref: plan.logicalId },
          StageName: stageName,
          ...(props.StageVariables !== undefined ? { StageVariables: props.StageVariables } : {}),
        },
      },
    );
  }
}
