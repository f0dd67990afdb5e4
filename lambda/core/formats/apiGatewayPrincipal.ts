import { AWS_FORMATS } from '../awsFormats';
import type { Principal } from '../types';

/** The caller of an API Gateway integration or authorizer: the service, in the API's account. */
export function apiGatewayPrincipal(accountId: string | null): Principal {
  return {
    arn: null,
    type: 'service',
    accountId: accountId !== null && AWS_FORMATS.accountId.test(accountId) ? accountId : null,
    roleName: null,
    service: 'apigateway.amazonaws.com',
  };
}
