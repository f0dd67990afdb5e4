/** A template value that cannot be worked out before deploy, and why. */
export class Unresolved {
  constructor(readonly reason: string) {}
}

/** A resolved template value: JSON whose strings may hold symbols, or {@link Unresolved} anywhere. */
export type Resolved =
  | string
  | number
  | boolean
  | null
  | Unresolved
  | readonly Resolved[]
  | { readonly [key: string]: Resolved };

/** Whether a resolved value is {@link Unresolved}. */
export function isUnresolved(value: unknown): value is Unresolved {
  return value instanceof Unresolved;
}

/** A resolved value as a string (numbers and booleans as their text), else Unresolved with why. */
export function asText(value: Resolved | undefined, what: string): string | Unresolved {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Unresolved) return value;
  if (value === undefined || value === null) return new Unresolved(`${what} is not set`);
  return new Unresolved(`${what} is not a string`);
}

/** A resolved object, or undefined when the value is not one. */
export function asObject(
  value: Resolved | undefined,
): { readonly [key: string]: Resolved } | undefined {
  return typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Unresolved)
    ? (value as { readonly [key: string]: Resolved })
    : undefined;
}

/** A resolved list, or undefined when the value is not one. */
export function asList(value: Resolved | undefined): readonly Resolved[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** The first Unresolved inside a value, searching objects and lists. */
export function firstUnresolved(value: Resolved | undefined): Unresolved | undefined {
  if (value instanceof Unresolved) return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const u = firstUnresolved(v);
      if (u) return u;
    }
    return undefined;
  }
  const object = asObject(value);
  if (object) {
    for (const v of Object.values(object)) {
      const u = firstUnresolved(v);
      if (u) return u;
    }
  }
  return undefined;
}
