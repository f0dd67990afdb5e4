import { createHash } from 'node:crypto';

/**
 * A construct id for a log group name: readable (the name's letters) and collision-free (a short
 * hash of the whole name), so two groups never map to one id.
 */
export function constructIdFor(name: string): string {
  const letters = name.replace(/[^A-Za-z0-9]/g, '').slice(-40);
  return `${letters}${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}
