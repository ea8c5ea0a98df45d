/**
 * Checks recorded exchanges against the vendor's OpenAPI document: the request body against the
 * operation's `requestBody`, the response body against the response declared for its status.
 */
import type { OpenApiDocument, SpecErratum } from '../support/openapi.js';
import type { Exchange } from './recordingFetch.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface SpecRoute {
  doc: OpenApiDocument;
  /** Path as the document writes it, below its server URL. */
  path: string;
  errata?: readonly SpecErratum[];
  /**
   * Checks an error body for a status the operation does not declare (many of Pipedrive's
   * operations declare none): the vendor's documented error envelope instead.
   */
  undeclaredError?: (status: number, body: unknown) => string[];
  /**
   * Replaces the document's check of a response where the vendor's own documentation and its
   * OpenAPI document disagree: returns the problems, or undefined to use the document.
   */
  responseOverride?: (status: number, body: unknown) => string[] | undefined;
}

/** Which document covers an exchange; undefined for calls outside any document (OAuth, admin). */
export type SpecRouter = (exchange: Exchange) => SpecRoute | undefined;

/** One line per mismatch, naming the call; empty when every exchange fits. */
export function specProblems(exchanges: readonly Exchange[], route: SpecRouter): string[] {
  const problems: string[] = [];
  for (const ex of exchanges) {
    const r = route(ex);
    if (!r) continue;
    const method = ex.method as Method;
    const template = r.doc.templateFor(method, r.path);
    const call = `${ex.method} ${ex.url.pathname}`;
    if (!template) {
      problems.push(`${call}: no operation in ${r.doc.name}`);
      continue;
    }
    const opts = r.errata ? { errata: r.errata } : {};
    if (ex.requestBody !== undefined) {
      for (const p of r.doc.requestErrors(method, template, ex.requestBody, opts)) problems.push(`${call} request: ${p}`);
    }
    const declared = r.doc.operation(method, template).responses ?? {};
    const undeclared = ex.status >= 400 && r.undeclaredError && ![String(ex.status), `${String(ex.status)[0]}XX`, 'default'].some((k) => k in declared);
    const found =
      r.responseOverride?.(ex.status, ex.responseBody) ??
      (undeclared ? (r.undeclaredError as NonNullable<SpecRoute['undeclaredError']>)(ex.status, ex.responseBody) : r.doc.responseErrors(method, template, ex.status, ex.responseBody, opts));
    for (const p of found) problems.push(`${call} → ${ex.status}: ${p}`);
  }
  return problems;
}
