import { motoEnv, startMoto } from './moto';
import { requireTools } from './requireTools';

/**
 * Checks the AWS CLI, then starts one moto server for the emulator tier on a free loopback port and
 * exports its endpoint (MOTO_ENDPOINT, AWS_ENDPOINT_URL and dummy credentials) to every test worker,
 * so that no test can fall through to real AWS.
 */
export default async function emulatorSetup(): Promise<void> {
  requireTools('emulator', [
    {
      name: 'aws',
      args: ['--version'],
      install: "pip install awscli (the AWS CLI v1) or AWS CLI v2's installer",
    },
  ]);
  const moto = await startMoto();
  Object.assign(process.env, motoEnv(moto.endpoint), {
    MOTO_ENDPOINT: moto.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  (globalThis as { __MOTO__?: unknown }).__MOTO__ = moto;
}
