/**
 * Authentication of Pub/Sub calls and the shape of their failures. Every call carries the same
 * session the REST API accepts, in metadata, plus the org id and instance URL; a failure is a gRPC
 * status whose `error-code` trailer tells clients what went wrong.
 */
import * as grpc from '@grpc/grpc-js';
import { AUTH_METADATA } from '../../../vendors/salesforce/pubsub/protocol.js';
import { canonicalId } from '../ids.js';
import type { SalesforceOrg } from '../org.js';

export function metadataValue(metadata: grpc.Metadata, key: string): string | undefined {
  const v = metadata.get(key)[0];
  return v === undefined ? undefined : String(v);
}

/**
 * Why the call is refused, or undefined when it may proceed. `token` replaces the metadata's
 * access token (a Subscribe stream's `auth_refresh`).
 * UNCONFIRMED: the wording of the details; clients should rely on the status and error code.
 */
export function authFailure(org: SalesforceOrg, metadata: grpc.Metadata, token = metadataValue(metadata, AUTH_METADATA.accessToken)): string | undefined {
  if (!token) return 'Missing accesstoken metadata';
  const check = org.kit.tokens.check(token);
  if (!check.ok || check.token.account !== org.config.orgId) return `Authentication failed: the access token is ${check.ok ? 'invalid' : check.reason}`;
  const tenant = metadataValue(metadata, AUTH_METADATA.tenantId);
  if (!tenant || canonicalId(tenant) !== org.config.orgId) return 'Authentication failed: tenantid does not match the org of the access token';
  if (!metadataValue(metadata, AUTH_METADATA.instanceUrl)) return 'Missing instanceurl metadata';
  return undefined;
}

/** A status error with Salesforce's `error-code` trailer when one applies. */
export function statusError(code: grpc.status, details: string, errorCode?: string): grpc.ServerErrorResponse {
  const metadata = new grpc.Metadata();
  if (errorCode) metadata.set('error-code', errorCode);
  return Object.assign(new Error(details), { code, details, metadata });
}
