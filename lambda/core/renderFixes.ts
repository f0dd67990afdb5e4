import type { DiagnosisFacts, Fix } from './types';

/** Renders the fixes for a diagnosis, in priority order. (Being implemented: see issue 2.) */
export function renderFixes(_facts: DiagnosisFacts): Fix[] {
  return [];
}
