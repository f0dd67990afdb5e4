import type { AccessRequest, ContextValue } from './types';

/** The service principal API Gateway calls Lambda as. */
export const APIGATEWAY_PRINCIPAL = 'apigateway.amazonaws.com';

/**
 * The request API Gateway makes to invoke a function (integration or authorizer) without a
 * credentials role: the service principal with the route's or authorizer's `aws:SourceArn` and the
 * API's account as `aws:SourceAccount`; the function-URL, event-source and organization keys are
 * known to be absent. An unknown source ARN (stage not logged) stays unknown.
 */
export function apiRequest(
  resource: string,
  sourceArn: string | undefined,
  sourceAccount: string,
): AccessRequest {
  const context: Record<string, ContextValue> = {
    'aws:SourceAccount': sourceAccount,
    'aws:PrincipalOrgID': null,
    'lambda:FunctionUrlAuthType': null,
    'lambda:InvokedViaFunctionUrl': null,
    'lambda:EventSourceToken': null,
  };
  if (sourceArn !== undefined) context['aws:SourceArn'] = sourceArn;
  return {
    principal: { kind: 'service', service: APIGATEWAY_PRINCIPAL },
    action: 'lambda:InvokeFunction',
    resource,
    context,
  };
}
