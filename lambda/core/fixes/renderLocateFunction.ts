/**
 * The `locate-function` fix: API Gateway logs at ERROR level (and HTTP API access logs) do not name
 * the function, so we say so and give the read-only command that finds it — never a guessed function.
 */
import type { Fix } from '../types';
import { type Checked, shown, valid } from './checked';
import { commandLine, type Word } from './commandLine';
import type { ResolvedFacts } from './resolveFacts';

/** `--region <region>` when the region is known; inspection commands otherwise use the CLI default. */
function regionWords(r: ResolvedFacts): Word[] {
  return r.fn.region.ok ? ['--region', r.fn.region] : [];
}

/**
 * JMESPath filter on a checked resource path, as a JSON literal in backticks: the path alphabet has
 * no quote, backslash or backtick, and inside the shell's single quotes none of them is special.
 */
function pathQuery(path: Checked): Checked {
  return path.ok
    ? valid(
        `items[?path==\`"${path.value}"\`].{id:id,path:path,integrations:values(resourceMethods || \`{}\`)[].methodIntegration.uri}`,
      )
    : path;
}

function restApi(r: ResolvedFacts): Fix {
  const api = r.api;
  if (!api?.id.ok) {
    // Without the API id (execution logs delivered outside API-Gateway-Execution-Logs_<id>/<stage>)
    // the first step is finding the API.
    const line = commandLine([
      'aws',
      'apigateway',
      'get-rest-apis',
      ...regionWords(r),
      '--query',
      valid('items[].[id,name]'),
    ]);
    return {
      kind: 'locate-function',
      description:
        'The log names neither the function nor the API. The command lists your REST APIs; execution logs live in API-Gateway-Execution-Logs_<API_ID>/<stage>. Then `aws apigateway get-resources --rest-api-id <API_ID> --embed methods` shows each integration URI (…/functions/<FUNCTION_ARN>/invocations).',
      command: line.command,
    };
  }
  const path = api.resourcePath?.ok ? api.resourcePath : null;
  const authorizer = r.kind === 'apigw-authorizer-invalid-permissions';
  const apiId = api.id;
  const words: Word[] = authorizer
    ? [
        'aws',
        'apigateway',
        'get-authorizers',
        ...regionWords(r),
        '--rest-api-id',
        apiId,
        '--query',
        valid('items[].{id:id,name:name,uri:authorizerUri,credentials:authorizerCredentials}'),
      ]
    : [
        'aws',
        'apigateway',
        'get-resources',
        ...regionWords(r),
        '--rest-api-id',
        apiId,
        '--embed',
        'methods',
        '--query',
        path
          ? pathQuery(path)
          : valid(
              'items[].{id:id,path:path,integrations:values(resourceMethods || `{}`)[].methodIntegration.uri}',
            ),
      ];
  const line = commandLine(words);
  const method = api.method?.ok ? api.method.value : '<METHOD>';
  const sentences = [
    authorizer
      ? 'The log does not name the authorizer function. The command lists the API’s authorizers with their function URIs (…/functions/<FUNCTION_ARN>/invocations).'
      : `The log does not name the function (API Gateway at ERROR log level prints only the failure). The command lists the integration URI (…/functions/<FUNCTION_ARN>/invocations) of ${path ? `resource ${path.value}` : 'every resource'} of API ${shown(apiId)}.`,
  ];
  if (!authorizer) {
    sentences.push(
      `For one method: \`aws apigateway get-integration --rest-api-id ${shown(apiId)} --resource-id <RESOURCE_ID> --http-method ${method}\`.${path ? ' An empty result means the request matched a greedy resource such as /{proxy+}: drop the --query filter.' : ''}`,
    );
  }
  sentences.push(
    'Then apply the add-permission fix with that function ARN (or set the INFO log level on the stage so the next failure names it).',
  );
  if (line.command === null)
    sentences.push(`No runnable command: ${line.problems.join('; ')}. Template: ${line.template}`);
  return { kind: 'locate-function', description: sentences.join(' '), command: line.command };
}

function httpApi(r: ResolvedFacts): Fix {
  const authorizer = r.kind === 'http-api-authorizer-permissions';
  const sentences = [
    `HTTP API access logs name neither the function nor the role: "The IAM role configured on the ${authorizer ? 'authorizer' : 'integration'} or API Gateway doesn't have permissions" means either the function's resource-based policy does not allow apigateway.amazonaws.com for this API, or the ${authorizer ? 'authorizer' : 'integration'} has a credentials role that lacks lambda:InvokeFunction.`,
  ];
  let words: Word[];
  if (r.api?.id.ok) {
    words = authorizer
      ? [
          'aws',
          'apigatewayv2',
          'get-authorizers',
          ...regionWords(r),
          '--api-id',
          r.api.id,
          '--query',
          valid('Items[].[AuthorizerId,Name,AuthorizerUri,AuthorizerCredentialsArn]'),
        ]
      : [
          'aws',
          'apigatewayv2',
          'get-integrations',
          ...regionWords(r),
          '--api-id',
          r.api.id,
          '--query',
          valid('Items[].[IntegrationId,IntegrationUri,CredentialsArn]'),
        ];
    sentences.push(
      `The command lists the ${authorizer ? 'authorizers' : 'integrations'} of API ${r.api.id.value} with the function each calls and its credentials role (None = resource-based policy is used). Fix whichever applies: add-permission for the function, or lambda:InvokeFunction for the credentials role.`,
    );
  } else {
    words = [
      'aws',
      'apigatewayv2',
      'get-apis',
      ...regionWords(r),
      '--query',
      valid('Items[].[ApiId,Name,ProtocolType]'),
    ];
    sentences.push(
      `The API id is not in the log either: the command lists your HTTP APIs; then run \`aws apigatewayv2 ${authorizer ? 'get-authorizers' : 'get-integrations'} --api-id <API_ID>\` to see each ${authorizer ? 'authorizer' : 'integration'}'s function and credentials role.`,
    );
  }
  const line = commandLine(words);
  if (line.command === null)
    sentences.push(`No runnable command: ${line.problems.join('; ')}. Template: ${line.template}`);
  return { kind: 'locate-function', description: sentences.join(' '), command: line.command };
}

function cognitoPool(r: ResolvedFacts): Fix {
  const trigger = r.trigger ?? '<TRIGGER>';
  const line = commandLine([
    'aws',
    'cognito-idp',
    'list-user-pools',
    '--max-results',
    '60',
    '--query',
    valid('UserPools[].[Id,Name]'),
    '--output',
    'text',
  ]);
  return {
    kind: 'locate-function',
    description: `Cognito names neither the user pool nor the function. The command lists your user pools (add --region for each Region you use); then \`aws cognito-idp describe-user-pool --user-pool-id <POOL_ID> --query UserPool.LambdaConfig.${trigger}\` prints the ARN of the ${trigger} function of each. Then apply the add-permission fix with that function and the pool's ARN.`,
    command: line.command,
  };
}

/** Renders the locate-function fix for REST (execution logs), HTTP APIs (access logs) or Cognito. */
export function renderLocateFunction(r: ResolvedFacts): Fix {
  if (r.kind === 'cognito-trigger-access-denied') return cognitoPool(r);
  return r.kind.startsWith('http-api-') ? httpApi(r) : restApi(r);
}
