/** Renders rows as a Markdown table whose columns line up in a terminal too. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  // numbers (and ratios, sizes) right-aligned, words left-aligned
  const numeric = headers.map(
    (_, i) =>
      i > 0 &&
      rows.every((row) => /^[\d.,<>=≤~+-]*[\d][\d.,]*( ?[a-zA-Z/%×]+)?$/.test(row[i] ?? '')),
  );
  const cell = (text: string, i: number) =>
    numeric[i] ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0);
  const line = (cells: readonly string[]) =>
    `| ${cells.map((text, i) => cell(text, i)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}
