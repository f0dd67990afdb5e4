/**
 * String literals for infrastructure-as-code snippets. Values are already format-checked; quoting
 * them anyway keeps a snippet valid YAML / HCL / TypeScript whatever the value holds.
 */

/** Quotes for the three snippet languages we render. */
export const snippetQuote = {
  /** YAML single-quoted scalar (`'` doubled; no escapes are interpreted inside). */
  yaml: (value: string): string => `'${value.replaceAll("'", "''")}'`,
  /** HCL double-quoted string; `${` and `%{` would start interpolation/directives, so they are escaped. */
  hcl: (value: string): string =>
    JSON.stringify(value).replaceAll('${', '$${').replaceAll('%{', '%%{'),
  /** TypeScript single-quoted string literal. */
  ts: (value: string): string =>
    `'${value
      .replaceAll('\\', '\\\\')
      .replaceAll("'", "\\'")
      .replaceAll('\n', '\\n')
      .replaceAll('\r', '\\r')
      .replaceAll('\u2028', '\\u2028')
      .replaceAll('\u2029', '\\u2029')}'`,
} as const;
