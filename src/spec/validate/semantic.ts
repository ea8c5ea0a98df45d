/** Stage 5: policies that make sense together. Runs only on files without earlier errors. */
import type { ConnectorDocument, FieldMapSpec, PipelineDocument, TargetSpec } from '../types.js';
import { targetFor } from '../../engine/orientation.js';
import { parseDuration } from '../duration.js';
import type { Catalog } from './references.js';
import { DEFAULT_AUTO_LINK, DEFAULT_REVIEW } from '../../identity/strategies.js';
import { lookupOperation, searchesCandidates } from '../matching.js';
import type { LoadedFile, Reporter } from './context.js';


export function checkConnectorSemantics(f: LoadedFile<ConnectorDocument>, reporter: Reporter): void {
  const spec = f.doc.spec;
  const composio = spec.auth?.type === 'composio';
  for (const [objName, obj] of Object.entries(spec.objects ?? {})) {
    for (const [opName, op] of Object.entries(obj.operations)) {
      const path = ['spec', 'objects', objName, 'operations', opName];
      if (composio && !op.tool) reporter.at(f.parsed, path, 'transport-mismatch', `operation \`${opName}\` needs a \`tool\`: this connector executes Composio tools`, { key: true });
      if (!composio && op.tool) reporter.at(f.parsed, [...path, 'tool'], 'transport-mismatch', 'a `tool` needs `auth.type: composio`; this connector calls the API directly');
      if (!composio && (!op.method || !op.path)) reporter.at(f.parsed, path, 'transport-mismatch', `operation \`${opName}\` needs \`method\` and \`path\``, { key: true });
      if (op.kind.startsWith('batch') && op.maxBatch === undefined) reporter.at(f.parsed, path, 'batch-exceeds-limit', `batch operation \`${opName}\` should declare \`maxBatch\`; syncd will send one record per call`, { key: true, severity: 'warning' });
      if ((op.kind === 'upsert' || op.kind === 'batchUpsert') && op.idProperty && !obj.properties[op.idProperty]) {
        reporter.at(f.parsed, [...path, 'idProperty'], 'ref-unknown-property', `\`${op.idProperty}\` is not a property of \`${objName}\``);
      }
      (op.reads ?? []).forEach((name, i) => {
        if (!obj.properties[name]) reporter.at(f.parsed, [...path, 'reads', i], 'ref-unknown-property', `\`${name}\` is not a property of \`${objName}\``);
      });
    }
  }
  // The Pub/Sub API authenticates each call with the connection's OAuth access token.
  if (spec.changeEvents && spec.auth && spec.auth.type !== 'oauth2' && spec.auth.type !== 'bearer') {
    reporter.at(f.parsed, ['spec', 'changeEvents', 'protocol'], 'change-events-unsupported', `\`${spec.changeEvents.protocol}\` streams are opened with an access token; \`auth.type: ${spec.auth.type}\` has none (use oauth2 or bearer)`);
  }
  if (spec.webhooks?.verify.type === 'none') {
    reporter.at(f.parsed, ['spec', 'webhooks', 'verify', 'type'], 'webhook-unsupported', 'webhook deliveries are not verified: anyone who can reach the port can inject events', { severity: 'warning' });
  }
}

export function checkPipelineSemantics(f: LoadedFile<PipelineDocument>, catalog: Catalog, reporter: Reporter): void {
  const spec = f.doc.spec;
  // Thresholds
  (spec.match?.rules ?? []).forEach((r, i) => {
    if (r.type !== 'fuzzyName') return;
    const auto = r.autoLink ?? DEFAULT_AUTO_LINK;
    const review = r.review ?? DEFAULT_REVIEW;
    if (review >= auto) {
      reporter.at(f.parsed, ['spec', 'match', 'rules', i, r.review !== undefined ? 'review' : 'autoLink'], 'thresholds-order', `\`review\` (${review}) must be lower than \`autoLink\` (${auto}); otherwise no match ever waits for review`);
    }
  });
  // A key used for matching must not be rewritten by the CRM.
  const crmOwnedTargets = new Map<string, string>();
  for (const [canon, fm] of Object.entries(spec.fields)) if (fm.owner === 'crm_wins') crmOwnedTargets.set(fm.to, canon);
  (spec.match?.rules ?? []).forEach((r, i) => {
    if (!('property' in r)) return;
    const canon = crmOwnedTargets.get(r.property);
    if (canon) {
      reporter.at(f.parsed, ['spec', 'match', 'rules', i, 'property'], 'match-key-crm-owned', `match key \`${r.property}\` is the target of field \`${canon}\`, which is \`crm_wins\`: a CRM edit would change the key records are matched on`, {
        hint: 'make the key field local_wins or immutable_after_bind, or match on another property',
      });
    }
  });
  // Immutable fields take their value from the record, not from a computation.
  const fieldSets: Array<[Array<string | number>, Record<string, FieldMapSpec>]> = [[['spec', 'fields'], spec.fields]];
  for (const [tenant, o] of Object.entries(spec.tenants ?? {})) if (o.fields) fieldSets.push([['spec', 'tenants', tenant, 'fields'], o.fields]);
  for (const [base, fields] of fieldSets) for (const [canon, fm] of Object.entries(fields)) {
    if (fm.owner === 'immutable_after_bind' && fm.expr) {
      reporter.at(f.parsed, [...base, canon, 'expr'], 'immutable-computed', `field \`${canon}\` is immutable_after_bind but computed by an expression; a change in the expression would be rejected as a conflict on every record`, {
        hint: 'map it with `from:` to a stored field',
      });
    }
    if (fm.onConflict && fm.owner !== 'merge_with_audit') {
      reporter.at(f.parsed, [...base, canon, 'onConflict'], 'schema-invalid', '`onConflict` applies only to `merge_with_audit` fields', { severity: 'warning' });
    }
  }
  // What depends on the target object: for `spec.target`, and again for each tenant that writes
  // another object or through another operation (`tenants.<id>.target`).
  checkTargetPolicies(f, catalog, reporter, { target: spec.target, fields: spec.fields, fieldPath: (canon) => ['spec', 'fields', canon], at: ['spec', 'target'] });
  for (const [tenant, o] of Object.entries(spec.tenants ?? {})) {
    if (!o.target) continue;
    const own = o.fields ?? {};
    checkTargetPolicies(f, catalog, reporter, {
      target: targetFor(f.doc, tenant),
      fields: { ...spec.fields, ...own },
      fieldPath: (canon) => (canon in own ? ['spec', 'tenants', tenant, 'fields', canon] : ['spec', 'fields', canon]),
      at: ['spec', 'tenants', tenant, 'target'],
      tenant,
    });
  }
  if (spec.target.delivery?.deadLetter === false) {
    reporter.at(f.parsed, ['spec', 'target', 'delivery', 'deadLetter'], 'dead-letter-off', 'writes that exhaust their retries will be dropped instead of kept for replay', { severity: 'warning' });
  }
  const src = spec.source;
  if (src.type === 'poll' || src.type === 'table') {
    const every = parseDuration(src.schedule.every);
    if (every === 0) reporter.at(f.parsed, ['spec', 'source', 'schedule', 'every'], 'duration-invalid', 'the schedule interval must be longer than zero');
    else if (every !== undefined && every < 1000) reporter.at(f.parsed, ['spec', 'source', 'schedule', 'every'], 'duration-invalid', 'polling more often than once a second wastes the rate budget', { severity: 'warning' });
  }
}

/** One target a pipeline writes, with the fields written to it. */
interface TargetView {
  target: TargetSpec;
  fields: Record<string, FieldMapSpec>;
  /** Where a field's diagnostic points. */
  fieldPath: (canon: string) => Array<string | number>;
  /** Where a diagnostic about the target itself points. */
  at: Array<string | number>;
  /** Set when the target is a tenant's own. */
  tenant?: string;
}

function checkTargetPolicies(f: LoadedFile<PipelineDocument>, catalog: Catalog, reporter: Reporter, v: TargetView): void {
  const { target, fields } = v;
  const forTenant = v.tenant === undefined ? '' : ` (tenant \`${v.tenant}\`)`;
  const tc = catalog.connectors.get(target.connector)?.doc;
  const targetObject = target.object ? tc?.spec.objects?.[target.object] : undefined;
  // A field syncd would write must not land on a read-only property.
  for (const [canon, fm] of Object.entries(fields)) {
    const prop = targetObject?.properties[fm.to];
    if (prop?.readOnly && (fm.owner === 'local_wins' || fm.owner === 'merge_with_audit')) {
      reporter.at(f.parsed, [...v.fieldPath(canon), 'to'], 'target-not-writable', `\`${fm.to}\` is read-only in \`${target.connector}\`${forTenant}, but field \`${canon}\` is ${fm.owner} and would write it`, {
        hint: 'use crm_wins or immutable_after_bind for values the CRM assigns',
      });
    }
  }
  // Fields decided by what the CRM did need the CRM's current values: without a `get`, an edit made
  // in the CRM is never seen, and the local value overwrites it.
  const crmAware = Object.entries(fields).find(([, fm]) => fm.owner === 'merge_with_audit' || fm.owner === 'crm_wins');
  if (crmAware && targetObject && tc?.spec.transport !== 'sql' && !Object.values(targetObject.operations).some((o) => o.kind === 'get' || o.kind === 'batchRead')) {
    reporter.at(f.parsed, [...v.at, 'object'], 'target-not-readable', `field \`${crmAware[0]}\` is ${crmAware[1].owner}, but \`${target.object}\`${forTenant} has no \`get\` or \`batchRead\` operation: the merge never sees edits made in \`${target.connector}\``, {
      severity: 'warning',
      hint: 'add a `get` or `batchRead` operation to the object, or make the field local_wins',
    });
  }
  checkMatchSearches(f, catalog, reporter, v);
  // Delivery
  const op = target.object && target.operation ? targetObject?.operations[target.operation] : undefined;
  const batchSize = f.doc.spec.target.delivery?.batchSize;
  if (op && batchSize !== undefined) {
    const limit = op.kind.startsWith('batch') ? (op.maxBatch ?? 1) : 1;
    if (batchSize > limit) {
      reporter.at(f.parsed, ['spec', 'target', 'delivery', 'batchSize'], 'batch-exceeds-limit', `batchSize ${batchSize} exceeds what \`${target.operation}\`${forTenant} accepts (${limit})`);
    }
  }
}

/**
 * Key and name matchers look a record up among the target object's existing records, through a
 * search operation of it; a record matched that way is then updated by its CRM id (an upsert by
 * our external id would create a second record beside the one found).
 */
function checkMatchSearches(f: LoadedFile<PipelineDocument>, catalog: Catalog, reporter: Reporter, v: TargetView): void {
  const spec = f.doc.spec;
  const rules = spec.match?.rules ?? [];
  if (!searchesCandidates(rules)) return;
  const source = catalog.connectors.get(spec.source.connector)?.doc;
  const target = catalog.connectors.get(v.target.connector)?.doc;
  const forTenant = v.tenant === undefined ? '' : ` (tenant \`${v.tenant}\`)`;
  if (!source || !target) return;
  const searched = rules.flatMap((r, i) => (r.type === 'link' || r.type === 'externalId' ? [] : [{ r, i }]));
  if (source.spec.transport !== 'sql' || target.spec.transport === 'sql') {
    // The direction is the pipeline's, the same for every tenant: said once.
    if (v.tenant !== undefined) return;
    for (const { r, i } of searched) {
      reporter.at(f.parsed, ['spec', 'match', 'rules', i, 'type'], 'match-not-searched', `\`${r.type}\` matching finds existing CRM records for local ones; in this direction only \`link\` and \`externalId\` rules match`, { severity: 'warning' });
    }
    return;
  }
  const object = v.target.object ? target.spec.objects?.[v.target.object] : undefined;
  if (!object) return;
  rules.forEach((r, i) => {
    if (r.type === 'link') return;
    const name = lookupOperation(r);
    const op = object.operations[name];
    const at = ['spec', 'match', 'rules', i, ...(r.lookup !== undefined ? ['lookup'] : ['type'])];
    if (!op) reporter.at(f.parsed, at, 'ref-unknown-operation', `\`${r.type}\` matching searches \`${v.target.object}\`${forTenant} with its operation \`${name}\`, which it does not have`, { hint: 'add a `search` operation that takes `lookup.property` and `lookup.values`, or name one with `lookup:`' });
    else if (op.kind !== 'search') reporter.at(f.parsed, at, 'ref-operation-kind', `operation \`${name}\` is a \`${op.kind}\`; \`${r.type}\` matching needs a \`search\``);
  });
  if (v.target.updateOperation === undefined) {
    reporter.at(f.parsed, v.at, 'match-needs-update', `records matched by ${searched.map(({ r }) => `\`${r.type}\``).join(', ')} to existing \`${v.target.object}\`${forTenant} are updated by their id, but the target has no \`updateOperation\``, { key: true, hint: 'declare `updateOperation: <an update or batchUpdate operation>`' });
  }
}
