import type { MotoServer } from './moto';

/** Stops the moto server started by emulatorSetup. */
export default async function emulatorTeardown(): Promise<void> {
  const moto = (globalThis as { __MOTO__?: MotoServer }).__MOTO__;
  await moto?.stop();
}
