/** Field ownership policies and the three-way merge. */
export * from './types.js';
export * from './valuesEqual.js';
export { newestSide, timestampMs, POLICIES, type PolicyContext, type PolicyEffect } from './policies.js';
export * from './threeWayMerge.js';
