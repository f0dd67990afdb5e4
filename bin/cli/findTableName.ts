import type { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import { InvokeDoctorError } from '../../lambda/core/errors';

/** Stack output holding the incidents table name (lib/InvokeDoctorStack.ts). */
export const TABLE_OUTPUT_KEY = 'IncidentsTableName';

/**
 * Reads the incidents table name from the deployed stack's outputs. A missing stack or output is
 * an InvokeDoctorError saying what to do (deploy, or name the stack or table).
 */
export async function findTableName(
  client: CloudFormationClient,
  stackName: string,
): Promise<string> {
  const { DescribeStacksCommand } =
    require('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation');
  let stack: Stack | undefined;
  try {
    const out = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    stack = out.Stacks?.[0];
  } catch (error) {
    if (error instanceof Error && /does not exist/.test(error.message)) {
      throw new InvokeDoctorError(
        `stack ${stackName} not found in ${await region(client)}: deploy it (npx cdk deploy), or pass --stack NAME, --table NAME or --local`,
        { cause: error },
      );
    }
    throw error;
  }
  const output = stack?.Outputs?.find((o) => o.OutputKey === TABLE_OUTPUT_KEY);
  if (!output?.OutputValue) {
    throw new InvokeDoctorError(
      `stack ${stackName} has no ${TABLE_OUTPUT_KEY} output: is it an invoke-doctor stack? Pass --table NAME instead`,
    );
  }
  return output.OutputValue;
}

async function region(client: CloudFormationClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    return 'the configured region';
  }
}
