import type { MotoServer } from './moto';

/** Stops the moto server started by globalSetup. */
export default async function globalTeardown(): Promise<void> {
  const moto = (globalThis as { __MOTO__?: MotoServer }).__MOTO__;
  await moto?.stop();
}
