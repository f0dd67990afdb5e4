/** Pads episode numbers so that sort keys order episodes numerically. */
export const EPISODE_DIGITS = 6;

/** The id of one episode of a fingerprint: `<fingerprint>-<episode>`, shell-safe and stable. */
export function incidentId(fingerprint: string, episode: number): string {
  return `${fingerprint}-${episode}`;
}

/** Splits an incident id back into fingerprint and episode; null when it is not one. */
export function parseIncidentId(id: string): { fingerprint: string; episode: number } | null {
  const match = /^([A-Za-z0-9]{1,128})-([1-9][0-9]{0,8})$/.exec(id);
  if (!match) return null;
  return { fingerprint: match[1]!, episode: Number(match[2]) };
}
