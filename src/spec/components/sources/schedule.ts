/** Schedule and cursor blocks shared by the polling sources. */
import { duration, strictObject, text } from '../fragments.js';

export const scheduleSchema = strictObject(
  { every: duration('Time between polls.', '1m') },
  ['every'],
  'When to poll.',
);

export const cursorSchema = strictObject(
  {
    field: text('Record field that orders changes (a modification time); the cursor is its highest value seen.', {
      examples: ['updated_at', 'hs_lastmodifieddate', 'SystemModstamp'],
    }),
    lookback: duration('Overlap re-read on each poll, to catch writes that commit late or clocks that differ.', '2m'),
    start: text('Where the first poll starts (ISO-8601). Default: the beginning of time.', { examples: ['2026-01-01T00:00:00Z'] }),
  },
  ['field'],
  'The incremental cursor. It advances only after the records up to it are in the outbox.',
);
