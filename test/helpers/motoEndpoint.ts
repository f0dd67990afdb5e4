/** The moto endpoint started by jest's global setup; fails loudly if it is missing. */
export function motoEndpoint(): string {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint) {
    throw new Error(
      'MOTO_ENDPOINT is not set: run the tests through jest (npm test), whose global setup starts moto.',
    );
  }
  return endpoint;
}
