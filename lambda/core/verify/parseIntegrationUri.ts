import { AWS_FORMATS } from '../awsFormats';

/** The Lambda function an integration or authorizer URI calls, after stage variables. */
export type IntegrationTarget =
  | {
      readonly kind: 'function';
      /** Unqualified function ARN. */
      readonly functionArn: string;
      readonly name: string;
      readonly qualifier: string | null;
      readonly partition: string;
      readonly region: string;
      readonly accountId: string;
      /** Stage variables the URI used, with the values they resolved to. */
      readonly variables: Readonly<Record<string, string>>;
    }
  | {
      /** The URI names stage variables the stage does not define. */
      readonly kind: 'unresolved';
      readonly missing: readonly string[];
      readonly template: string;
    }
  | {
      /** The URI resolves, but not to a function ARN (e.g. a variable holds an invalid value). */
      readonly kind: 'invalid';
      readonly resolved: string;
      readonly template: string;
    };

/** REST (and HTTP API authorizer) Lambda URIs: `arn:aws:apigateway:<region>:lambda:path/<date>/functions/<arn>/invocations`. */
const APIGATEWAY_LAMBDA_URI =
  /^arn:[a-z-]+:apigateway:[a-z0-9-]+:lambda:path\/\d{4}-\d{2}-\d{2}\/functions\/(.+)\/invocations$/;
const STAGE_VARIABLE = /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g;
const MAX_URI = 2048;

/**
 * Reads the function an integration or authorizer calls from its URI: the REST form
 * (`…:lambda:path/2015-03-31/functions/<arn>/invocations`) or the bare function ARN HTTP APIs use.
 * `${stageVariables.x}` is replaced from `variables`; a variable the stage lacks makes the target
 * `unresolved`, a value that does not make a function ARN makes it `invalid`. Null for any other
 * integration (HTTP, mock, other AWS services).
 */
export function parseIntegrationUri(
  uri: string | null | undefined,
  variables: Readonly<Record<string, string>> | null,
): IntegrationTarget | null {
  if (typeof uri !== 'string' || uri.length > MAX_URI) return null;
  const rest = APIGATEWAY_LAMBDA_URI.exec(uri);
  const template = rest ? rest[1]! : uri;
  if (!template.startsWith('arn:') || !/:lambda:[^:]*:[^:]*:function:/.test(template)) return null;
  const missing: string[] = [];
  const used: Record<string, string> = {};
  const resolved = template.replace(STAGE_VARIABLE, (_all, name: string) => {
    const value =
      variables !== null && Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (value === undefined) {
      if (!missing.includes(name)) missing.push(name);
      return '';
    }
    used[name] = value;
    return value;
  });
  if (missing.length > 0) return { kind: 'unresolved', missing, template };
  const m = AWS_FORMATS.functionArn.exec(resolved);
  if (!m) return { kind: 'invalid', resolved, template };
  const [, partition, region, accountId, name, qualifier] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  return {
    kind: 'function',
    functionArn: `arn:${partition}:lambda:${region}:${accountId}:function:${name}`,
    name,
    qualifier: qualifier === undefined || qualifier === '$LATEST' ? null : qualifier,
    partition,
    region,
    accountId,
    variables: used,
  };
}
