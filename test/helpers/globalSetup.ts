import { spawnSync } from 'node:child_process';
import { motoEnv, startMoto } from './moto';

// Real tools the tests run; a missing one fails the run up front with how to get it.
const TOOLS = [
  {
    name: 'aws',
    args: ['--version'],
    install: "pip install awscli (the AWS CLI v1) or AWS CLI v2's installer",
  },
  { name: 'cfn-lint', args: ['--version'], install: 'pip install cfn-lint' },
  {
    name: 'terraform',
    args: ['version'],
    install:
      'install Terraform from HashiCorp (only `terraform fmt` is used: no provider, no network)',
  },
] as const;

/**
 * Checks the real tools the tests use, then starts one moto server for the whole run on a free
 * loopback port and exports its endpoint (MOTO_ENDPOINT, AWS_ENDPOINT_URL and dummy credentials)
 * to every test worker, so that no test can fall through to real AWS.
 */
export default async function globalSetup(): Promise<void> {
  const missing = TOOLS.filter((t) => spawnSync(t.name, t.args, { stdio: 'ignore' }).error);
  if (missing.length > 0) {
    throw new Error(
      `missing tools the tests run for real: ${missing.map((t) => `${t.name} (${t.install})`).join('; ')}`,
    );
  }
  const moto = await startMoto();
  Object.assign(process.env, motoEnv(moto.endpoint), {
    MOTO_ENDPOINT: moto.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  (globalThis as { __MOTO__?: unknown }).__MOTO__ = moto;
}
