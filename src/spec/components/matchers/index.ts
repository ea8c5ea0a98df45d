/**
 * Identity-matching strategies, tried in the order the pipeline declares them. Each reads a field
 * of the source record and compares it with a property of the target object.
 */
import { registerComponent, type JsonSchema } from '../registry.js';
import { number, text } from '../fragments.js';

const field = text('Source record field (after transforms).', { examples: ['domain'] });
const property = text('Target object property compared with it.', { examples: ['domain'] });
/** The rule's candidate search; exact keys default to `find`, LinkedIn pages and names to `findByToken`. */
const lookup = (byDefault: 'find' | 'findByToken') =>
  text(
    `Search operation of the target object that finds candidates by this property (it receives \`lookup.property\` and \`lookup.values\`). Used when the rules include a key or name matcher; a record matched this way is then updated by its CRM id through \`target.updateOperation\`. Default: \`${byDefault}\`.`,
    { examples: [byDefault] },
  );

function keyMatcher(type: string, summary: string, exampleField: string, byDefault: 'find' | 'findByToken'): void {
  registerComponent({
    kind: 'matcher',
    type,
    summary,
    properties: { field, property, lookup: lookup(byDefault) },
    required: ['field', 'property'],
    example: { type, field: exampleField, property: exampleField },
  });
}

registerComponent({
  kind: 'matcher',
  type: 'link',
  summary: 'A link syncd already holds for this record (always tried first when declared).',
  properties: {},
  example: { type: 'link' },
});

registerComponent({
  kind: 'matcher',
  type: 'externalId',
  summary: 'A unique id of the source record stored in a target property (upsert key).',
  properties: { field, property, lookup: lookup('find') },
  required: ['field', 'property'],
  example: { type: 'externalId', field: 'id', property: 'quotey_quote_id' },
});

keyMatcher('email', 'Exact e-mail address, lower-cased and trimmed.', 'email', 'find');
keyMatcher('domain', 'Exact registrable domain (public suffix list): `https://www.acme.co.uk/x` matches `acme.co.uk`.', 'domain', 'find');
keyMatcher('linkedin', 'Exact LinkedIn company or profile slug taken from any form of the URL.', 'linkedin_url', 'findByToken');

const threshold = (d: string, def: number): JsonSchema => number(`${d} Default: ${def}.`, 0, 1, { default: def });

registerComponent({
  kind: 'matcher',
  type: 'fuzzyName',
  summary:
    'Similarity of names with legal suffixes and punctuation stripped. At or above `autoLink` the records are linked (and listed for review); between `review` and `autoLink` the match waits in the review queue; below, the record is new.',
  properties: {
    field,
    property,
    lookup: lookup('findByToken'),
    autoLink: threshold('Score from which a match is linked without review.', 0.92),
    review: threshold('Score from which a match is queued for review.', 0.75),
  },
  required: ['field', 'property'],
  example: { type: 'fuzzyName', field: 'name', property: 'name', autoLink: 0.92, review: 0.75 },
});
