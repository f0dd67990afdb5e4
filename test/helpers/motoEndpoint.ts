/** The moto endpoint started by the emulator tier's global setup; fails loudly if it is missing. */
export function motoEndpoint(): string {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint) {
    throw new Error(
      'MOTO_ENDPOINT is not set: this test needs moto, so its file must be named *.emulator.test.ts (the emulator tier starts moto); run it with npm test or npx jest --selectProjects emulator.',
    );
  }
  return endpoint;
}
