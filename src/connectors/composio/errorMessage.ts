/** Composio error bodies: `{error:{message, code, status, suggested_fix?}}` or `{message}` (429). */
export function composioErrorMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return typeof body === 'string' && body ? body : undefined;
  const b = body as { error?: unknown; message?: unknown };
  if (b.error && typeof b.error === 'object') {
    const e = b.error as { message?: unknown; suggested_fix?: unknown };
    if (typeof e.message === 'string') return typeof e.suggested_fix === 'string' ? `${e.message} (${e.suggested_fix})` : e.message;
  }
  if (typeof b.error === 'string') return b.error;
  if (typeof b.message === 'string') return b.message;
  return undefined;
}
