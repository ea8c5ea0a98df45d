import { createHash } from 'node:crypto';

/**
 * A stable id for an event that carries none: the SHA-256 of its JSON with keys sorted and the
 * named per-attempt fields left out, so a redelivery of the same event gets the same id.
 */
export function contentId(value: unknown, omit: (path: string[]) => boolean): string {
  return 'sha256:' + createHash('sha256').update(canonicalJson(value, [], omit)).digest('hex');
}

function canonicalJson(value: unknown, path: string[], omit: (path: string[]) => boolean): string {
  if (Array.isArray(value)) return '[' + value.map((v, i) => canonicalJson(v, [...path, String(i)], omit)).join(',') + ']';
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => !omit([...path, k])).sort();
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson((value as Record<string, unknown>)[k], [...path, k], omit)).join(',') + '}';
  }
  return JSON.stringify(value) ?? 'null';
}
