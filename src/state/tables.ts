/**
 * Table names in one place. Every table is prefixed with `syncd_` because the PostgreSQL database
 * may be shared with the user's own tables (Quotey's quotes can live in the same server).
 */
export const tables = {
  cursors: 'syncd_cursors',
  links: 'syncd_links',
  fieldBases: 'syncd_field_bases',
  outbox: 'syncd_outbox',
  deliveries: 'syncd_deliveries',
  deadLetters: 'syncd_dead_letters',
  reconciliation: 'syncd_reconciliation_items',
  reviewCandidates: 'syncd_review_candidates',
  audit: 'syncd_audit',
  webhookInbox: 'syncd_webhook_inbox',
  connections: 'syncd_connections',
  credentials: 'syncd_credentials',
  leases: 'syncd_leases',
  rateBudgets: 'syncd_rate_budgets',
  sourceFailures: 'syncd_source_failures',
  referenceWaits: 'syncd_reference_waits',
} as const;

export const migrationsTable = 'syncd_migrations';
