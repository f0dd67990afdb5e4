/**
 * A value copied from a log line into a fix, after its strict format check: either the value, or the
 * placeholder to show instead and a sentence on what is wrong with it.
 */
import { type AwsFormat, awsFormats, looksMasked } from '../awsFormats';

/** A value that passed its format check, or why it did not. */
export type Checked =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly placeholder: string; readonly problem: string };

/** A checked value that passed. */
export function valid(value: string): Checked {
  return { ok: true, value };
}

/** A checked value that failed: `placeholder` (e.g. `<FUNCTION_ACCOUNT_ID>`) stands in for it. */
export function invalid(placeholder: string, problem: string): Checked {
  return { ok: false, placeholder, problem };
}

/** Short, harmless preview of a masked value (only masking characters survive). */
function maskedPreview(value: string): string {
  return /^[A-Za-z0-9*<>{}_ -]{1,40}$/.test(value) ? ` (\`${value}\`)` : '';
}

/**
 * Checks `value` against `format`. The problem sentence names the field (`label`), says whether the
 * value is unknown, masked or malformed, and what to fill in; a malformed value is never echoed,
 * because it may be hostile.
 */
export function checked(
  value: unknown,
  format: AwsFormat,
  label: string,
  placeholder: string,
  expected: string,
): Checked {
  if (awsFormats(format, value)) return valid(value);
  if (value === null || value === undefined || value === '') {
    return invalid(
      placeholder,
      `${label} is not in the log (missing or masked): fill in ${placeholder} (${expected})`,
    );
  }
  if (typeof value === 'string' && looksMasked(value)) {
    return invalid(
      placeholder,
      `${label} is masked in the log${maskedPreview(value)}: fill in ${placeholder} (${expected})`,
    );
  }
  return invalid(
    placeholder,
    `${label} in the log is not valid (expected ${expected}), so it was left out: fill in ${placeholder}`,
  );
}

/**
 * A value built from checked parts: valid when every part is (`build` gets their values in order),
 * else invalid under `placeholder` with the parts' problems, each once.
 */
export function composite(
  parts: readonly Checked[],
  build: (values: string[]) => string,
  placeholder: string,
): Checked {
  const problems = problemsOf(parts);
  if (problems.length > 0) return invalid(placeholder, problems.join('; '));
  return valid(build(parts.map((p) => (p.ok ? p.value : ''))));
}

/**
 * Checks that all given values passed; returns their problems otherwise, each once (a composite's
 * problem lists its parts', which other values may share: the function ARN and the source ARN both
 * lack the same account id).
 */
export function problemsOf(values: readonly Checked[]): string[] {
  const problems: string[] = [];
  for (const v of values) {
    if (v.ok) continue;
    for (const problem of v.problem.split('; ')) {
      if (problem !== '' && !problems.includes(problem)) problems.push(problem);
    }
  }
  return problems;
}

/** The value, or its placeholder when it failed (for descriptions only, never for commands). */
export function shown(value: Checked): string {
  return value.ok ? value.value : value.placeholder;
}
