/**
 * Realistic pipeline files in bulk: each is one of the example pipelines with its own name and
 * varied schedule, batch size, thresholds and an extra filter, so every stage of `syncd validate`
 * (schema, references against the example connectors, JSONata, semantics) does real work.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { ROOT } from './benchmark.js';

const SCHEDULES = ['5s', '10s', '30s', '1m', '2m', '5m', '15m', '1h'];
const FILTERS = [
  '$exists(id)',
  '$not($exists(deleted_at))',
  '$string(id) != ""',
  '$count($keys($)) > 1',
  '$boolean($) and $type($) = "object"',
  '$length($string(id)) < 256',
];

/** Deterministic variation without a random generator: the index picks each option. */
function pick<T>(list: readonly T[], i: number, salt: number): T {
  return list[(i * 7 + salt * 13) % list.length] as T;
}

const variantName = (base: string, i: number): string => `${base}-${String(i).padStart(3, '0')}`;

/** `variantOf` names the variant of another example pipeline generated beside this one, if any. */
function vary(doc: Document, base: string, i: number, variantOf: (base: string) => string | undefined): void {
  doc.setIn(['metadata', 'name'], variantName(base, i));
  doc.setIn(['metadata', 'description'], `Generated variant ${i} of ${base}.`);
  if (doc.hasIn(['spec', 'source', 'schedule', 'every'])) doc.setIn(['spec', 'source', 'schedule', 'every'], pick(SCHEDULES, i, 1));
  const transforms = doc.getIn(['spec', 'transforms']);
  const filter = doc.createNode({ type: 'filter', name: `guard-${i % 10}`, expression: pick(FILTERS, i, 2) });
  if (isSeq(transforms)) transforms.items.unshift(filter);
  else doc.setIn(['spec', 'transforms'], doc.createNode([filter.toJSON()]));
  const rules = doc.getIn(['spec', 'match', 'rules']);
  if (isSeq(rules)) {
    for (const rule of rules.items) {
      if (isMap(rule) && rule.get('type') === 'fuzzyName') {
        const review = 0.6 + (i % 10) / 100;
        rule.set('review', Number(review.toFixed(2)));
        rule.set('autoLink', Number((review + 0.2).toFixed(2)));
      }
    }
  }
  // A field reference names the referenced pipeline's variant, or goes when there is none.
  const fields = doc.getIn(['spec', 'fields']);
  if (isMap(fields)) {
    for (const item of fields.items) {
      if (!isMap(item.value) || typeof item.value.get('reference') !== 'string') continue;
      const variant = variantOf(item.value.get('reference') as string);
      if (variant) item.value.set('reference', variant);
      else item.value.delete('reference');
    }
  }
  const batch = doc.getIn(['spec', 'target', 'delivery', 'batchSize']);
  if (typeof batch === 'number') doc.setIn(['spec', 'target', 'delivery', 'batchSize'], Math.max(1, batch - (i % batch)));
}

/** Writes `count` pipeline files into `dir` and returns their paths. */
export async function generatePipelines(dir: string, count: number): Promise<string[]> {
  const sources = (await readdir(path.join(ROOT, 'pipelines'))).filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml')).sort();
  const texts = await Promise.all(sources.map((f) => readFile(path.join(ROOT, 'pipelines', f), 'utf8')));
  const bases = sources.map((f) => path.basename(f, '.yaml'));
  // One pipeline per connector's webhooks or object's changes (each event is processed once), so
  // later rounds put a polling example where the first has an event source.
  const eventSource = texts.map((t) => ['webhook', 'changeEvents'].includes(String(parseDocument(t).getIn(['spec', 'source', 'type']))));
  const stand = eventSource.indexOf(false);
  const written: string[] = [];
  for (let i = 0; i < count; i++) {
    const slot = i % sources.length;
    const k = i >= sources.length && eventSource[slot] ? stand : slot;
    const doc = parseDocument(texts[k] as string);
    // The variants of one round of the examples reference each other, as the examples do.
    const variantOf = (base: string): string | undefined => {
      const j = i - slot + bases.indexOf(base);
      return bases.includes(base) && j < count ? variantName(base, j) : undefined;
    };
    vary(doc, bases[k] as string, i, variantOf);
    const file = path.join(dir, `pipeline-${String(i).padStart(3, '0')}.yaml`);
    await writeFile(file, doc.toString({ lineWidth: 0 }));
    written.push(file);
  }
  return written;
}
