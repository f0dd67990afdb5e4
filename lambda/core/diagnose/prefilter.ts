import { FILTER_TERMS } from '../constants';

/**
 * Cheap first gate for every log message: true when it contains one of {@link FILTER_TERMS}, the
 * same literals the subscription filter streams, so detection and delivery cannot drift apart.
 * Plain `includes` only; regexes run on the few messages that pass.
 */
export function prefilter(message: string): boolean {
  for (const term of FILTER_TERMS) {
    if (message.includes(term)) return true;
  }
  return false;
}
