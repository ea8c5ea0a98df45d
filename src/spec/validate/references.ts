/** Stage 3: names unique, and every connector, object, operation, table and property a pipeline names exists. */
import type { ConnectorDocument, ObjectSpec, OperationKind, PipelineDocument, WebhookSubscribeSpec } from '../types.js';
import { didYouMean } from '../suggest.js';
import { VENDOR_HOOK_MODULES } from '../../vendors/catalog.js';
import type { LoadedFile, Reporter } from './context.js';
import { orient, targetFor } from '../../engine/orientation.js';

export const READ_KINDS: ReadonlySet<OperationKind> = new Set(['list', 'search']);
export const WRITE_KINDS: ReadonlySet<OperationKind> = new Set(['create', 'update', 'upsert', 'delete', 'batchCreate', 'batchUpdate', 'batchUpsert', 'execute']);

export interface Catalog {
  connectors: Map<string, LoadedFile<ConnectorDocument>>;
  pipelines: Map<string, LoadedFile<PipelineDocument>>;
}

export function buildCatalog(files: LoadedFile[], reporter: Reporter): Catalog {
  const catalog: Catalog = { connectors: new Map(), pipelines: new Map() };
  // By path, so the same file is called the duplicate however the paths were given.
  for (const f of [...files].sort((a, b) => a.parsed.file.localeCompare(b.parsed.file))) {
    const name = f.doc.metadata?.name;
    if (typeof name !== 'string') continue;
    const map = (f.kind === 'Connector' ? catalog.connectors : catalog.pipelines) as Map<string, LoadedFile>;
    const first = map.get(name);
    if (first) {
      reporter.at(f.parsed, ['metadata', 'name'], 'ref-duplicate-name', `${f.kind.toLowerCase()} \`${name}\` is already declared in ${first.parsed.file}`);
      continue;
    }
    map.set(name, f);
  }
  return catalog;
}

export function checkConnector(f: LoadedFile<ConnectorDocument>, reporter: Reporter): void {
  const spec = f.doc.spec;
  if (spec.hooks !== undefined && !VENDOR_HOOK_MODULES[spec.hooks]) {
    reporter.at(f.parsed, ['spec', 'hooks'], 'ref-unknown-hook', `no vendor hook module \`${spec.hooks}\`${didYouMean(spec.hooks, Object.keys(VENDOR_HOOK_MODULES))}`, {
      hint: `known modules: ${Object.keys(VENDOR_HOOK_MODULES).join(', ')}`,
    });
  }
  for (const [objName, obj] of Object.entries(spec.objects ?? {})) {
    for (const [opName, op] of Object.entries(obj.operations)) {
      for (const which of ['encode', 'decode'] as const) {
        const hook = op.hooks?.[which];
        if (hook === undefined) continue;
        const [mod, fn] = hook.split('.', 2);
        const known = VENDOR_HOOK_MODULES[mod ?? ''];
        if (!known || !fn || !known.includes(fn)) {
          const all = Object.entries(VENDOR_HOOK_MODULES).flatMap(([m, fns]) => fns.map((x) => `${m}.${x}`));
          reporter.at(f.parsed, ['spec', 'objects', objName, 'operations', opName, 'hooks', which], 'ref-unknown-hook', `no vendor hook \`${hook}\`${didYouMean(hook, all)}`);
        }
      }
    }
  }
  const sub = spec.webhooks?.subscribe;
  if (sub) checkSubscribe(f, sub, reporter);
}

/** The subscription operations are of one object, of the kinds they are used as, and its name property exists. */
function checkSubscribe(f: LoadedFile<ConnectorDocument>, sub: WebhookSubscribeSpec, reporter: Reporter): void {
  const objects = f.doc.spec.objects ?? {};
  const at = ['spec', 'webhooks', 'subscribe'];
  let subject: string | undefined;
  for (const [key, kind] of [['operation', 'create'], ['list', 'list'], ['delete', 'delete']] as const) {
    const ref = sub[key];
    const [objName, opName] = ref.split('.', 2);
    const op = opName ? objects[objName ?? '']?.operations[opName] : undefined;
    if (!op) {
      reporter.at(f.parsed, [...at, key], 'ref-unknown-operation', `\`${ref}\` is not an operation of this connector (write it as \`object.operation\`)`);
      continue;
    }
    if (op.kind !== kind) reporter.at(f.parsed, [...at, key], 'ref-operation-kind', `\`${ref}\` is a \`${op.kind}\` operation; \`subscribe.${key}\` needs a \`${kind}\` one`);
    subject ??= objName;
    if (objName !== subject) reporter.at(f.parsed, [...at, key], 'ref-operation-object', `\`${ref}\` is not an operation of \`${subject}\`: the subscription operations must share one object`);
  }
  const name = sub.nameProperty ?? 'name';
  const props = objects[subject ?? '']?.properties;
  if (props && !props[name]) reporter.at(f.parsed, sub.nameProperty ? [...at, 'nameProperty'] : at, 'ref-unknown-property', `\`${subject}\` has no property \`${name}\` to name subscriptions by${didYouMean(name, Object.keys(props))}`);
}

export function checkPipeline(f: LoadedFile<PipelineDocument>, catalog: Catalog, reporter: Reporter): void {
  const spec = f.doc.spec;
  const connectorOf = (name: string, path: Array<string | number>): ConnectorDocument | undefined => {
    const c = catalog.connectors.get(name)?.doc;
    if (!c) {
      reporter.at(f.parsed, path, 'ref-unknown-connector', `no connector named \`${name}\`${didYouMean(name, catalog.connectors.keys())}`, {
        hint: catalog.connectors.size ? `known connectors: ${[...catalog.connectors.keys()].join(', ')}` : 'pass the connector files too, e.g. `syncd validate connectors/ pipelines/`',
      });
    }
    return c;
  };

  // Source
  const src = spec.source;
  const srcPath = ['spec', 'source'];
  const sc = connectorOf(src.connector, [...srcPath, 'connector']);
  let sourceFields: Set<string> | undefined;
  // Event sources read each record the events name through a `get`.
  const checkFetch = (obj: ObjectSpec, fetch: string | undefined): void => {
    if (fetch !== undefined) {
      const op = obj.operations[fetch];
      if (!op) reporter.at(f.parsed, [...srcPath, 'fetch'], 'ref-unknown-operation', `object \`${'object' in src ? src.object : ''}\` has no operation \`${fetch}\`${didYouMean(fetch, Object.keys(obj.operations))}`);
      else if (op.kind !== 'get' && op.kind !== 'batchRead') reporter.at(f.parsed, [...srcPath, 'fetch'], 'ref-operation-kind', `operation \`${fetch}\` is a \`${op.kind}\`; \`fetch\` needs a \`get\` or a \`batchRead\``);
    } else if (!Object.values(obj.operations).some((o) => o.kind === 'get' || o.kind === 'batchRead')) {
      reporter.at(f.parsed, [...srcPath, 'object'], 'ref-unknown-operation', `object \`${'object' in src ? src.object : ''}\` has no \`get\` or \`batchRead\` operation to read the records its events name`);
    }
  };
  if (sc && src.type === 'table') {
    if ((sc.spec.transport ?? 'http') !== 'sql') {
      reporter.at(f.parsed, [...srcPath, 'connector'], 'ref-operation-kind', `connector \`${src.connector}\` is not a database (\`transport: sql\`); a \`table\` source needs one`);
    } else {
      const t = sc.spec.tables?.[src.table];
      if (!t) reporter.at(f.parsed, [...srcPath, 'table'], 'ref-unknown-table', `connector \`${src.connector}\` has no table \`${src.table}\`${didYouMean(src.table, Object.keys(sc.spec.tables ?? {}))}`);
      else {
        sourceFields = new Set(Object.keys(t.columns));
        if (!t.columns[src.cursor.field]) reporter.at(f.parsed, [...srcPath, 'cursor', 'field'], 'ref-unknown-column', `table \`${src.table}\` has no column \`${src.cursor.field}\`${didYouMean(src.cursor.field, Object.keys(t.columns))}`);
      }
    }
  } else if (sc && (src.type === 'poll' || src.type === 'webhook' || src.type === 'changeEvents')) {
    const obj = sc.spec.objects?.[src.object];
    if (!obj) {
      reporter.at(f.parsed, [...srcPath, 'object'], 'ref-unknown-object', `connector \`${src.connector}\` has no object \`${src.object}\`${didYouMean(src.object, Object.keys(sc.spec.objects ?? {}))}`);
    } else {
      sourceFields = new Set(Object.keys(obj.properties));
      if (src.type === 'poll') {
        const opName = src.operation ?? 'list';
        const op = obj.operations[opName];
        if (!op) reporter.at(f.parsed, [...srcPath, src.operation ? 'operation' : 'object'], 'ref-unknown-operation', `object \`${src.object}\` has no operation \`${opName}\`${didYouMean(opName, Object.keys(obj.operations))}`);
        else if (!READ_KINDS.has(op.kind)) reporter.at(f.parsed, [...srcPath, 'operation'], 'ref-operation-kind', `operation \`${opName}\` is a \`${op.kind}\`; a poll source needs a \`list\` or \`search\``);
        if (!obj.properties[src.cursor.field]) reporter.at(f.parsed, [...srcPath, 'cursor', 'field'], 'ref-unknown-property', `object \`${src.object}\` has no property \`${src.cursor.field}\`${didYouMean(src.cursor.field, Object.keys(obj.properties))}`);
      } else if (src.type === 'changeEvents') {
        if (!sc.spec.changeEvents) reporter.at(f.parsed, [...srcPath, 'connector'], 'change-events-unsupported', `connector \`${src.connector}\` declares no \`changeEvents\`, so it cannot feed a changeEvents source`);
        else if (!obj.changeTopic) reporter.at(f.parsed, [...srcPath, 'object'], 'change-events-unsupported', `object \`${src.object}\` of \`${src.connector}\` declares no \`changeTopic\` to read its changes from`);
        else checkFetch(obj, src.fetch);
      } else {
        if (!sc.spec.webhooks) reporter.at(f.parsed, [...srcPath, 'connector'], 'webhook-unsupported', `connector \`${src.connector}\` declares no \`webhooks\`, so it cannot feed a webhook source`);
        // The subscriptions `syncd run` registers deliver only the connector's events; another
        // one arrives only if the operator subscribes to it by hand.
        const subscribed = sc.spec.webhooks?.subscribe?.events;
        if (subscribed) {
          src.events.forEach((event, i) => {
            if (!subscribed.includes(event)) {
              reporter.at(f.parsed, [...srcPath, 'events', i], 'webhook-unsupported', `connector \`${src.connector}\` subscribes to ${subscribed.map((e) => `\`${e}\``).join(', ')}, not \`${event}\`: no subscription syncd registers delivers it`, { severity: 'warning' });
            }
          });
        }
        if (sc.spec.webhooks) checkFetch(obj, src.fetch);
      }
    }
  }

  /** The object's properties, when the object exists; reports it, or its operations, missing or of the wrong kind. */
  const checkTargetObject = (tc: ConnectorDocument, object: string, ops: { operation?: string; updateOperation?: string }, at: Array<string | number>): Set<string> | undefined => {
    const obj = tc.spec.objects?.[object];
    if (!obj) {
      reporter.at(f.parsed, [...at, 'object'], 'ref-unknown-object', `connector \`${tc.metadata.name}\` has no object \`${object}\`${didYouMean(object, Object.keys(tc.spec.objects ?? {}))}`);
      return undefined;
    }
    const { operation, updateOperation } = ops;
    if (operation !== undefined) {
      const op = obj.operations[operation];
      if (!op) reporter.at(f.parsed, [...at, 'operation'], 'ref-unknown-operation', `object \`${object}\` has no operation \`${operation}\`${didYouMean(operation, Object.keys(obj.operations))}`);
      else if (!WRITE_KINDS.has(op.kind)) reporter.at(f.parsed, [...at, 'operation'], 'ref-operation-kind', `operation \`${operation}\` is a \`${op.kind}\`, which does not write`);
    }
    if (updateOperation !== undefined) {
      const up = obj.operations[updateOperation];
      if (!up) reporter.at(f.parsed, [...at, 'updateOperation'], 'ref-unknown-operation', `object \`${object}\` has no operation \`${updateOperation}\`${didYouMean(updateOperation, Object.keys(obj.operations))}`);
      else if (up.kind !== 'update' && up.kind !== 'batchUpdate') reporter.at(f.parsed, [...at, 'updateOperation'], 'ref-operation-kind', `operation \`${updateOperation}\` is a \`${up.kind}\`; \`updateOperation\` needs an \`update\` or \`batchUpdate\``);
    }
    return new Set(Object.keys(obj.properties));
  };

  // Target
  const tgt = spec.target;
  const tPath = ['spec', 'target'];
  const tc = connectorOf(tgt.connector, [...tPath, 'connector']);
  let targetProps: Set<string> | undefined;
  if (tc) {
    if ((tc.spec.transport ?? 'http') === 'sql') {
      if (!tgt.table) reporter.at(f.parsed, tPath, 'schema-required', `connector \`${tgt.connector}\` is a database: the target needs \`table\``, { key: true });
      else {
        const t = tc.spec.tables?.[tgt.table];
        if (!t) reporter.at(f.parsed, [...tPath, 'table'], 'ref-unknown-table', `connector \`${tgt.connector}\` has no table \`${tgt.table}\`${didYouMean(tgt.table, Object.keys(tc.spec.tables ?? {}))}`);
        else {
          targetProps = new Set(Object.keys(t.columns));
          if (!t.writable) reporter.at(f.parsed, [...tPath, 'table'], 'target-not-writable', `table \`${tgt.table}\` is not declared \`writable: true\` in connector \`${tgt.connector}\``);
        }
      }
    } else {
      if (!tgt.object || !tgt.operation) {
        const missing = [tgt.object ? undefined : '`object`', tgt.operation ? undefined : '`operation`'].filter(Boolean).join(' and ');
        reporter.at(f.parsed, tPath, 'schema-required', `connector \`${tgt.connector}\` is an HTTP API: the target needs ${missing}`, { key: true });
      }
      else targetProps = checkTargetObject(tc, tgt.object, tgt, tPath);
    }
  }

  // Field maps and match rules against the target's properties
  const checkProp = (props: Set<string> | undefined, prop: string, path: Array<string | number>, whose = 'the target'): void => {
    if (props && !props.has(prop)) {
      reporter.at(f.parsed, path, 'ref-unknown-property', `${whose} has no property \`${prop}\`${didYouMean(prop, props)}`);
    }
  };
  const hasTransforms = (spec.transforms ?? []).some((t) => t.type === 'jsonata');
  type Fields = Record<string, { from?: string; expr?: string; to: string; reference?: string }>;
  const checkFields = (base: Array<string | number>, fields: Fields, props: Set<string> | undefined, whose?: string): void => {
    for (const [canon, fm] of Object.entries(fields)) {
      checkProp(props, fm.to, [...base, canon, 'to'], whose);
      if (fm.reference !== undefined) checkReference(f, catalog, fm.reference, [...base, canon, 'reference'], reporter);
      // Without a reshaping transform the source's own fields are known, so `from` can be checked.
      if (!hasTransforms && sourceFields && fm.from && !fm.expr && !sourceFields.has(fm.from.split('.')[0] as string)) {
        reporter.at(f.parsed, [...base, canon, 'from'], 'ref-unknown-property', `the source has no field \`${fm.from}\`${didYouMean(fm.from, sourceFields)}`);
      }
    }
  };
  checkFields(['spec', 'fields'], spec.fields, targetProps);
  for (const [tenant, o] of Object.entries(spec.tenants ?? {})) {
    const at = ['spec', 'tenants', tenant];
    const t = targetFor(f.doc, tenant);
    if (!o.target || !tc || (tc.spec.transport ?? 'http') === 'sql' || t.object === undefined) {
      if (o.fields) checkFields([...at, 'fields'], o.fields, targetProps);
      continue;
    }
    // The tenant writes another object (or through other operations): every field it writes, its
    // own and those it keeps from `spec.fields`, must be a property of that object. An operation
    // the tenant does not name is the one `spec.target` names.
    const props = checkTargetObject(tc, t.object, t, [...at, 'target']);
    const own = o.fields ?? {};
    if (o.fields) checkFields([...at, 'fields'], o.fields, props, `\`${t.object}\` (tenant \`${tenant}\`)`);
    for (const [canon, fm] of Object.entries(spec.fields)) {
      if (canon in own || !props || props.has(fm.to)) continue;
      reporter.at(f.parsed, ['spec', 'fields', canon, 'to'], 'ref-unknown-property', `tenant \`${tenant}\` writes \`${t.object}\`, which has no property \`${fm.to}\``, { hint: `override \`${canon}\` under \`tenants.${tenant}.fields\`` });
    }
  }
  (spec.match?.rules ?? []).forEach((r, i) => {
    if ('property' in r) checkProp(targetProps, r.property, ['spec', 'match', 'rules', i, 'property']);
  });
}

/**
 * A field's `reference` names a pipeline whose links turn the field's value (a local key) into a
 * CRM id: that pipeline must be among the files, link its records to the CRM this pipeline writes
 * to, and this pipeline must write from a local table to a CRM (a CRM id is what it resolves to).
 */
/**
 * Each inbox event is claimed and completed by one pipeline: two pipelines reading the same event
 * type of one connector's webhooks, or the changes of one object, would each see only part of them.
 */
export function checkSharedStreams(pipelines: readonly LoadedFile<PipelineDocument>[], reporter: Reporter): void {
  const first = new Map<string, LoadedFile<PipelineDocument>>();
  for (const f of [...pipelines].sort((a, b) => a.parsed.file.localeCompare(b.parsed.file))) {
    const src = f.doc.spec?.source;
    if (!src || (src.type !== 'webhook' && src.type !== 'changeEvents')) continue;
    const streams: Array<{ key: string; path: Array<string | number> }> =
      src.type === 'webhook'
        ? src.events.map((e, i) => ({ key: `\`${e}\` events of \`${src.connector}\``, path: ['spec', 'source', 'events', i] }))
        : [{ key: `changes of \`${src.connector}\` ${src.object}`, path: ['spec', 'source', 'object'] }];
    for (const { key, path } of streams) {
      const other = first.get(key);
      if (!other) {
        first.set(key, f);
        continue;
      }
      reporter.at(f.parsed, path, 'source-shared', `pipeline \`${other.doc.metadata.name}\` (${other.parsed.file}) already reads the ${key}; each event is processed by one pipeline, so the two would split them`, {
        hint: src.type === 'webhook' ? 'read each event type in one pipeline (a filter transform can route records by their fields)' : 'read the object in one pipeline',
      });
    }
  }
}

function checkReference(f: LoadedFile<PipelineDocument>, catalog: Catalog, reference: string, path: Array<string | number>, reporter: Reporter): void {
  const referenced = catalog.pipelines.get(reference)?.doc;
  if (!referenced) {
    reporter.at(f.parsed, path, 'ref-unknown-pipeline', `no pipeline named \`${reference}\`${didYouMean(reference, [...catalog.pipelines.keys()].filter((n) => n !== f.doc.metadata.name))}`, {
      hint: 'pass the referenced pipeline\'s file too, e.g. `syncd validate connectors/ pipelines/`',
    });
    return;
  }
  const connectors = new Map([...catalog.connectors].map(([name, c]) => [name, c.doc]));
  const own = orient(f.doc, connectors);
  if (!own.sourceIsLocal) {
    reporter.at(f.parsed, path, 'reference-not-linkable', `a reference turns a local key into the CRM id it is linked to, but this pipeline reads from \`${f.doc.spec.source.connector}\`, not from a local table`);
    return;
  }
  const theirs = orient(referenced, connectors);
  if (theirs.remote.connector !== own.remote.connector) {
    reporter.at(f.parsed, path, 'reference-not-linkable', `pipeline \`${reference}\` links its records to \`${theirs.remote.connector}\`, but this pipeline writes to \`${own.remote.connector}\``, {
      hint: `name the pipeline that syncs those records to \`${own.remote.connector}\``,
    });
  }
}
