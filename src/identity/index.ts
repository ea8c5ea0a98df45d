/** Identity matching: key normalisation, name similarity, strategies and the matcher. */
export * from './normalize.js';
export * from './similarity.js';
export * from './strategies.js';
export * from './matcher.js';
export { FREE_MAIL_DOMAINS } from './freeMailDomains.js';
export { LEGAL_SUFFIXES } from './legalSuffixes.js';
