/**
 * Salesforce error bodies are a JSON array, `[{message, errorCode, fields}]` (FACTS §3.7); the
 * items of a collection `SaveResult` name the code `statusCode` instead (doc examples, not
 * re-checked against a live org). All items are kept, so a response with several problems says so.
 */
import type { ErrorMessageHook } from '../registry.js';

interface SalesforceErrorItem {
  message?: unknown;
  errorCode?: unknown;
  statusCode?: unknown;
  fields?: unknown;
}

function itemText(item: SalesforceErrorItem): string | undefined {
  if (typeof item.message !== 'string') return undefined;
  const code = typeof item.errorCode === 'string' ? item.errorCode : typeof item.statusCode === 'string' ? item.statusCode : undefined;
  const fields = Array.isArray(item.fields) && item.fields.length ? ` (fields: ${item.fields.join(', ')})` : '';
  return `${code ? `${code}: ` : ''}${item.message}${fields}`;
}

export const salesforceErrorMessage: ErrorMessageHook = (body) => {
  const items = Array.isArray(body) ? body : body && typeof body === 'object' && Array.isArray((body as { errors?: unknown }).errors) ? (body as { errors: unknown[] }).errors : undefined;
  if (!items) return undefined;
  const texts = items.filter((i): i is SalesforceErrorItem => !!i && typeof i === 'object').map(itemText).filter((t): t is string => !!t);
  return texts.length ? texts.join('; ') : undefined;
};
