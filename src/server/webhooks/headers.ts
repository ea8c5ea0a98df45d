/** The single value of a header (the first, if it was repeated); names are lower-case as Node gives them. */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
