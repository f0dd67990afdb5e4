/**
 * What `Ref` and `Fn::GetAtt` return for the resource types the check follows, as documented in
 * the CloudFormation resource reference, built from the resource's own properties where it sets
 * them (a `FunctionName`, a `TopicName`) and from symbols where the deploy generates them. ARNs
 * are built in their documented shape, so a grant that spells an ARN by hand and a reference
 * that gets it from `Fn::GetAtt` compare equal.
 */
import { parseFunctionTarget } from './parseFunctionTarget';
import type { SymbolInfo } from './SymbolTable';
import { asText, type Resolved, Unresolved } from './Unresolved';

/** Pseudo parameters a resource's attributes are built from. */
export type PseudoName = 'AWS::Partition' | 'AWS::Region' | 'AWS::AccountId';

/** What an attribute function can see of its resource. */
export interface ResourceView {
  readonly logicalId: string;
  /** A resolved property; undefined when absent. */
  prop(name: string): Resolved | undefined;
  /** The symbol of a value the deploy generates; `attribute` undefined for `Ref`. */
  generated(attribute: string | undefined, kind: SymbolInfo['kind'], length: number): string;
  pseudo(name: PseudoName): string;
}

type Attribute = (r: ResourceView) => Resolved;

/** `Ref` and attributes of one resource type. */
interface TypeAttributes {
  readonly ref?: Attribute;
  readonly attributes?: Readonly<Record<string, Attribute>>;
}

/** A string property, or the generated value when the template leaves it out. */
function named(
  r: ResourceView,
  prop: string,
  kind: SymbolInfo['kind'] = 'name',
  length = 40,
): string | Unresolved {
  const value = r.prop(prop);
  if (value === undefined || value === null) return r.generated(undefined, kind, length);
  return asText(value, prop);
}

function arn(
  r: ResourceView,
  service: string,
  resource: string | Unresolved,
  regional = true,
): string | Unresolved {
  if (resource instanceof Unresolved) return resource;
  const region = regional ? r.pseudo('AWS::Region') : '';
  const account = regional || service === 'iam' ? r.pseudo('AWS::AccountId') : '';
  return `arn:${r.pseudo('AWS::Partition')}:${service}:${region}:${account}:${resource}`;
}

/** The unqualified ARN of the function a `FunctionName`-style property names. */
function functionArn(r: ResourceView, prop: string): string | Unresolved {
  const value = asText(r.prop(prop), prop);
  if (value instanceof Unresolved) return value;
  const parts = parseFunctionTarget(value);
  if (parts === undefined) return new Unresolved(`${prop} does not name a function`);
  return `arn:${parts.partition ?? r.pseudo('AWS::Partition')}:lambda:${parts.region ?? r.pseudo('AWS::Region')}:${parts.account ?? r.pseudo('AWS::AccountId')}:function:${parts.name}`;
}

function qualified(base: string | Unresolved, qualifier: Resolved | undefined): Resolved {
  if (base instanceof Unresolved) return base;
  const q = asText(qualifier, 'the qualifier');
  return q instanceof Unresolved ? q : `${base}:${q}`;
}

/** An IAM path (`/`, `/service-role/`) as it appears in ARNs. */
function iamPath(r: ResourceView): string | Unresolved {
  const path = r.prop('Path');
  return path === undefined ? '/' : asText(path, 'Path');
}

function join(...parts: (string | Unresolved)[]): string | Unresolved {
  const bad = parts.find((p) => p instanceof Unresolved);
  return bad ?? parts.join('');
}

const id =
  (length = 10): Attribute =>
  (r) =>
    r.generated(undefined, 'id', length);

/** The event bus part of a rule ARN: empty on the default bus. */
function busPrefix(r: ResourceView): string | Unresolved {
  const bus = r.prop('EventBusName');
  if (bus === undefined || bus === null || bus === 'default') return '';
  const text = asText(bus, 'EventBusName');
  if (text instanceof Unresolved) return text;
  const fromArn = /:event-bus\/(.+)$/.exec(text);
  const name = fromArn ? (fromArn[1] as string) : text;
  return name === 'default' ? '' : `${name}/`;
}

/** Every modelled type. */
export const CFN_ATTRIBUTES: Readonly<Record<string, TypeAttributes>> = {
  'AWS::Lambda::Function': {
    ref: (r) => named(r, 'FunctionName', 'name', 64),
    attributes: {
      Arn: (r) => arn(r, 'lambda', join('function:', named(r, 'FunctionName', 'name', 64))),
    },
  },
  'AWS::Lambda::Alias': {
    ref: (r) => qualified(functionArn(r, 'FunctionName'), r.prop('Name')),
    attributes: {
      AliasArn: (r) => qualified(functionArn(r, 'FunctionName'), r.prop('Name')),
    },
  },
  'AWS::Lambda::Version': {
    ref: (r) => qualified(functionArn(r, 'FunctionName'), r.generated('Version', 'id', 2)),
    attributes: {
      Version: (r) => r.generated('Version', 'id', 2),
      FunctionArn: (r) => functionArn(r, 'FunctionName'),
    },
  },
  'AWS::Lambda::Url': {
    attributes: {
      FunctionUrl: (r) =>
        `https://${r.generated('FunctionUrl', 'id', 32)}.lambda-url.${r.pseudo('AWS::Region')}.on.aws/`,
      FunctionArn: (r) => {
        const base = functionArn(r, 'TargetFunctionArn');
        const q = r.prop('Qualifier');
        return q === undefined ? base : qualified(base, q);
      },
    },
  },
  'AWS::ApiGateway::RestApi': {
    ref: id(),
    attributes: {
      RestApiId: id(),
      RootResourceId: (r) => r.generated('RootResourceId', 'id', 10),
    },
  },
  'AWS::ApiGateway::Resource': { ref: id(6), attributes: { ResourceId: id(6) } },
  'AWS::ApiGateway::Deployment': { ref: id(6), attributes: { DeploymentId: id(6) } },
  'AWS::ApiGateway::Stage': { ref: (r) => named(r, 'StageName', 'name', 16) },
  'AWS::ApiGateway::Authorizer': { ref: id(6), attributes: { AuthorizerId: id(6) } },
  'AWS::ApiGatewayV2::Api': {
    ref: id(),
    attributes: {
      ApiId: id(),
      ApiEndpoint: (r) =>
        `https://${r.generated(undefined, 'id', 10)}.execute-api.${r.pseudo('AWS::Region')}.amazonaws.com`,
    },
  },
  'AWS::ApiGatewayV2::Integration': { ref: id(7), attributes: { IntegrationId: id(7) } },
  'AWS::ApiGatewayV2::Authorizer': { ref: id(6), attributes: { AuthorizerId: id(6) } },
  'AWS::ApiGatewayV2::Route': { ref: id(7), attributes: { RouteId: id(7) } },
  'AWS::ApiGatewayV2::Stage': { ref: (r) => named(r, 'StageName', 'name', 16) },
  'AWS::IAM::Role': {
    ref: (r) => named(r, 'RoleName', 'name', 64),
    attributes: {
      Arn: (r) => arn(r, 'iam', join('role', iamPath(r), named(r, 'RoleName', 'name', 64)), false),
      RoleId: (r) => r.generated('RoleId', 'id', 21),
    },
  },
  'AWS::IAM::ManagedPolicy': {
    ref: (r) =>
      arn(r, 'iam', join('policy', iamPath(r), named(r, 'ManagedPolicyName', 'name', 64)), false),
    attributes: {
      PolicyArn: (r) =>
        arn(r, 'iam', join('policy', iamPath(r), named(r, 'ManagedPolicyName', 'name', 64)), false),
    },
  },
  'AWS::Events::Rule': {
    ref: (r) => named(r, 'Name', 'name', 64),
    attributes: {
      Arn: (r) => arn(r, 'events', join('rule/', busPrefix(r), named(r, 'Name', 'name', 64))),
    },
  },
  'AWS::Events::EventBus': {
    ref: (r) => named(r, 'Name', 'name', 64),
    attributes: {
      Name: (r) => named(r, 'Name', 'name', 64),
      Arn: (r) => arn(r, 'events', join('event-bus/', named(r, 'Name', 'name', 64))),
    },
  },
  'AWS::SNS::Topic': {
    ref: (r) => arn(r, 'sns', named(r, 'TopicName', 'name', 64)),
    attributes: {
      TopicArn: (r) => arn(r, 'sns', named(r, 'TopicName', 'name', 64)),
      TopicName: (r) => named(r, 'TopicName', 'name', 64),
    },
  },
  'AWS::S3::Bucket': {
    ref: (r) => named(r, 'BucketName', 'name', 63),
    attributes: {
      Arn: (r) => arn(r, 's3', named(r, 'BucketName', 'name', 63), false),
    },
  },
  'AWS::Cognito::UserPool': {
    ref: id(20),
    attributes: {
      Arn: (r) => arn(r, 'cognito-idp', join('userpool/', r.generated(undefined, 'id', 20))),
    },
  },
  'AWS::Logs::LogGroup': {
    ref: (r) => named(r, 'LogGroupName', 'opaque', 64),
    attributes: {
      Arn: (r) => arn(r, 'logs', join('log-group:', named(r, 'LogGroupName', 'opaque', 64), ':*')),
    },
  },
  'AWS::IoT::TopicRule': {
    ref: (r) => named(r, 'RuleName', 'name', 64),
    attributes: {
      Arn: (r) => arn(r, 'iot', join('rule/', named(r, 'RuleName', 'name', 64))),
    },
  },
  'AWS::CloudFront::Distribution': {
    ref: id(14),
    attributes: {
      Id: id(14),
      DomainName: (r) => `${r.generated(undefined, 'id', 14)}.cloudfront.net`,
    },
  },
  'AWS::CloudFront::OriginAccessControl': { ref: id(14), attributes: { Id: id(14) } },
  'AWS::SQS::Queue': {
    attributes: {
      Arn: (r) => arn(r, 'sqs', named(r, 'QueueName', 'name', 80)),
      QueueName: (r) => named(r, 'QueueName', 'name', 80),
    },
  },
};
