/**
 * Salesforce error wording. REST errors are always a JSON array of `{message, errorCode, fields?}`;
 * inside collection SaveResults the same error is `{statusCode, message, fields}`.
 */

export interface SfError {
  errorCode: string;
  message: string;
  fields?: string[];
}

/** Thrown by handlers; the HTTP layer answers `status` with the error array. */
export class SfApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: SfError[],
  ) {
    super(errors[0]?.message ?? 'error');
  }
}

/** Thrown by write validation; carries one error that a collection turns into a failed SaveResult. */
export class SfRecordError extends Error {
  constructor(readonly error: SfError) {
    super(error.message);
  }
}

export function errorBody(errors: SfError[]): Array<{ message: string; errorCode: string; fields?: string[] }> {
  return errors.map((e) => (e.fields ? { message: e.message, errorCode: e.errorCode, fields: e.fields } : { message: e.message, errorCode: e.errorCode }));
}

export function saveResultError(e: SfError): { statusCode: string; message: string; fields: string[] } {
  return { statusCode: e.errorCode, message: e.message, fields: e.fields ?? [] };
}

export function apiError(status: number, errorCode: string, message: string, fields?: string[]): SfApiError {
  return new SfApiError(status, [{ errorCode, message, ...(fields ? { fields } : {}) }]);
}

export const RESOURCE_NOT_FOUND = 'The requested resource does not exist';

export function notFound(message = RESOURCE_NOT_FOUND): SfApiError {
  return apiError(404, 'NOT_FOUND', message);
}

export function malformedQuery(message: string): SfApiError {
  return apiError(400, 'MALFORMED_QUERY', message);
}

export const SESSION_INVALID: SfError = { errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' };

// UNCONFIRMED: Salesforce documents the REQUEST_LIMIT_EXCEEDED code for an exhausted daily budget
// but not its message; this is the text commonly reported for the daily total.
export const LIMIT_EXCEEDED: SfError = { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' };

export const ROLLED_BACK: SfError = {
  errorCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
};
