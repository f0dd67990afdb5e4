/**
 * The ways people and CI systems hide a value in a log they share (docs/formats.md, "Masked
 * values"): runs of `*` or `#` (GitHub Actions prints `***` for every secret, also inside names),
 * `xxxx` / `XXXXXXX` / `7XXXXXXXXXXX`, `<ACCOUNT_ID>` / `{accountId}` / `${ACCOUNT}` templates and
 * the words people type instead of an id.
 */
const MASKS: readonly RegExp[] = [
  /[*#]/,
  /^x{2,}$/i,
  /^[0-9]*X{3,}[0-9]*$/,
  // a template, also when a tokenizer cut it at its closing bracket (`{accountId`)
  /^[<{]|[>}]$/,
  /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/,
  /redacted/i,
  /^(?:your[-_ ]?)?(?:aws[-_ ]?)?account(?:[-_ ]?(?:id|number|no))?$/i,
  /^(?:your[-_ ]?)?region$/i,
];

/**
 * True when a value read from a log is a mask or a template rather than the value itself. A masked
 * value is unknown: the engine reports it as null and never builds a command from it, nor guesses
 * what it hid.
 */
export function isMasked(value: string): boolean {
  // `$LATEST` is Lambda's own qualifier, not a shell variable someone left in
  if (value === '$LATEST') return false;
  for (const mask of MASKS) if (mask.test(value)) return true;
  return false;
}
