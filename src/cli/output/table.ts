/** Plain-text tables for operator commands (`--json` prints the rows as data instead). */
export function formatTable(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))));
  const widths = headers.map((h, i) => Math.min(60, Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length))));
  const line = (r: string[]): string =>
    r
      .map((c, i) => {
        const w = widths[i] as number;
        return (c.length > w ? c.slice(0, w - 1) + '…' : c).padEnd(w);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

export function when(ms: number | null | undefined): string {
  return ms ? new Date(ms).toISOString().replace('.000Z', 'Z') : '-';
}
