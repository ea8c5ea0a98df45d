/**
 * Where the simulator deliberately answers differently from Pipedrive's published specs. Each
 * entry is narrow (one instance path) and says why.
 */
import type { SpecErratum } from '../../support/openapi.js';

const unsetLink = 'the spec types it as non-nullable, the live API sends null when unset (UNCONFIRMED)';

/** Errata for v2.yaml responses. */
export const V2_ERRATA: readonly SpecErratum[] = [
  {
    path: '/additional_data/next_cursor',
    nullable: true,
    why: 'the spec description itself says next_cursor is null at the end (FACTS §2.2), but types it as a plain string',
  },
  ...['org_id', 'person_id', 'won_time', 'lost_time', 'expected_close_date', 'stage_change_time', 'address', 'picture_id'].flatMap(
    (field): SpecErratum[] => [
      { path: `/data/${field}`, nullable: true, why: unsetLink },
      { path: `/data/*/${field}`, nullable: true, why: unsetLink },
    ],
  ),
  { path: '/data/items/*/item/organization', nullable: true, why: unsetLink },
  { path: '/data/items/*/item/address', nullable: true, why: unsetLink },
];

/** Errata for v1.yaml responses. */
export const V1_ERRATA: readonly SpecErratum[] = [
  ...['org_id', 'person_id', 'deal_id', 'lead_id', 'organization', 'person', 'deal', 'user/icon_url'].map(
    (field): SpecErratum => ({ path: `/data/*/${field}`, nullable: true, why: unsetLink }),
  ),
  ...['org_id', 'person_id', 'deal_id', 'lead_id', 'organization', 'person', 'deal', 'user/icon_url'].map(
    (field): SpecErratum => ({ path: `/data/${field}`, nullable: true, why: unsetLink }),
  ),
];
