import { shellQuote } from '../../lambda/core/fixes/shellQuote';

/**
 * Shell commands preflight suggests. Every value comes from the validated config or from an AWS API
 * response, and is still shell-quoted: a paste runs exactly the command shown.
 */
export const preflightFixes = {
  /** Creates a log group that does not exist yet. */
  createLogGroup(region: string, logGroupName: string): string {
    return `aws logs create-log-group --region ${shellQuote(region)} --log-group-name ${shellQuote(logGroupName)}`;
  },

  /** Turns on REST execution logging for every method of a stage at `level`. */
  restStageLogging(
    region: string,
    restApiId: string,
    stage: string,
    level: 'ERROR' | 'INFO',
  ): string {
    return (
      `aws apigateway update-stage --region ${shellQuote(region)} --rest-api-id ${shellQuote(restApiId)}` +
      ` --stage-name ${shellQuote(stage)}` +
      ` --patch-operations ${shellQuote(`op=replace,path=/*/*/logging/loglevel,value=${level}`)}`
    );
  },

  /** Turns logging back on for one method whose override switched it off (`~1path/GET` key). */
  restMethodLogging(
    region: string,
    restApiId: string,
    stage: string,
    methodKey: string,
    level: 'ERROR' | 'INFO',
  ): string {
    return (
      `aws apigateway update-stage --region ${shellQuote(region)} --rest-api-id ${shellQuote(restApiId)}` +
      ` --stage-name ${shellQuote(stage)}` +
      ` --patch-operations ${shellQuote(`op=replace,path=/${methodKey}/logging/loglevel,value=${level}`)}`
    );
  },

  /** Points API Gateway at the IAM role it writes CloudWatch Logs with (account-wide setting). */
  apigatewayAccountRole(region: string): string[] {
    return [
      "# API Gateway needs a role trusted by apigateway.amazonaws.com with the AmazonAPIGatewayPushToCloudWatchLogs policy; with ROLE_ARN set to that role's ARN:",
      `aws apigateway update-account --region ${shellQuote(region)} --patch-operations "op=replace,path=/cloudwatchRoleArn,value=$ROLE_ARN"`,
    ];
  },

  /** Sets an HTTP API stage's access logging to `destinationArn` with `format`. */
  httpAccessLogSettings(
    region: string,
    apiId: string,
    stage: string,
    destinationArn: string,
    format: string,
  ): string {
    const settings = JSON.stringify({ DestinationArn: destinationArn, Format: format });
    return (
      `aws apigatewayv2 update-stage --region ${shellQuote(region)} --api-id ${shellQuote(apiId)}` +
      ` --stage-name ${shellQuote(stage)} --access-log-settings ${shellQuote(settings)}`
    );
  },

  /**
   * Like {@link preflightFixes.httpAccessLogSettings} for a log group that does not exist yet: the
   * destination ARN takes the account id from `$ACCOUNT_ID`, spliced between two single-quoted
   * halves so the `$context` variables of the format stay literal.
   */
  httpAccessLogSettingsInAccount(
    region: string,
    apiId: string,
    stage: string,
    logGroupName: string,
    format: string,
  ): string {
    const sentinel = '__ACCOUNT_ID__';
    const settings = JSON.stringify({
      DestinationArn: `arn:${partitionOf(region)}:logs:${region}:${sentinel}:log-group:${logGroupName}`,
      Format: format,
    });
    const [before = '', after = ''] = settings.split(sentinel);
    return (
      `aws apigatewayv2 update-stage --region ${shellQuote(region)} --api-id ${shellQuote(apiId)}` +
      ` --stage-name ${shellQuote(stage)} --access-log-settings ${shellQuote(before)}"$ACCOUNT_ID"${shellQuote(after)}`
    );
  },

  /** Removes a subscription filter (to free a slot for invoke-doctor's). */
  deleteSubscriptionFilter(region: string, logGroupName: string, filterName: string): string {
    return (
      `aws logs delete-subscription-filter --region ${shellQuote(region)}` +
      ` --log-group-name ${shellQuote(logGroupName)} --filter-name ${shellQuote(filterName)}`
    );
  },
} as const;

/** The variable invoke-doctor needs in an HTTP API access-log format. */
export const INTEGRATION_ERROR_VARIABLE = '$context.integrationErrorMessage';

/**
 * The HTTP API Common Log Format with `$context.integrationErrorMessage` appended (the shape of
 * test/events/http-api-access-log/integration-permissions-clf.log), for stages that have no access logging yet.
 */
export const CLF_WITH_INTEGRATION_ERROR =
  '$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey $context.protocol" $context.status $context.responseLength $context.requestId $context.integrationErrorMessage';

/**
 * `format` with `$context.integrationErrorMessage` added: as an `integrationErrorMessage` key before
 * the closing brace when the format is a JSON object (inserted as text, so the user's own layout and
 * non-strict values such as `"status":$context.status` survive), else appended at the end of the
 * line (the message contains spaces, so last is where a reader can still split the other fields).
 */
export function withIntegrationError(format: string): string {
  const trimmed = format.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
    const body = trimmed.slice(0, -1).trimEnd();
    const separator = body === '{' ? '' : ',';
    return `${body}${separator} "integrationErrorMessage": "${INTEGRATION_ERROR_VARIABLE}" }`;
  }
  return `${trimmed} ${INTEGRATION_ERROR_VARIABLE}`;
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
