/**
 * Which end of a pipeline is "local" and which is "the CRM", and how records of each end name
 * their link. Two pipelines over the same pair (Quotey → HubSpot and HubSpot → Quotey) resolve to
 * the same link rows and field bases, so ownership holds in both directions.
 */
import type { ConnectorDocument, PipelineDocument, TargetSpec } from '../spec/types.js';
import type { LocalRef, RemoteRef } from '../state/links.js';
import { isLocal } from './fieldPlan.js';

export interface Orientation {
  /** The source is the local database (writes go to the CRM), or the CRM (writes go local). */
  sourceIsLocal: boolean;
  /** Link object name of the local end: `<connector>.<table>`. */
  localObject: string;
  /** The CRM end of the link. */
  remote: Pick<RemoteRef, 'connector' | 'object'>;
}

/**
 * The pipeline's target for one tenant: `tenants.<id>.target` may name another object and
 * operations of the same connector (a tenant's Smart Signals as tasks instead of notes).
 */
export function targetFor(pipeline: PipelineDocument, tenant?: string): TargetSpec {
  const override = tenant === undefined ? undefined : pipeline.spec.tenants?.[tenant]?.target;
  if (!override) return pipeline.spec.target;
  return {
    ...pipeline.spec.target,
    ...(override.object ? { object: override.object } : {}),
    ...(override.operation ? { operation: override.operation } : {}),
    ...(override.updateOperation ? { updateOperation: override.updateOperation } : {}),
  };
}

/** The pipeline's ends, for one tenant when its target differs by tenant (links name the tenant's object). */
export function orient(pipeline: PipelineDocument, connectors: Map<string, ConnectorDocument>, tenant?: string): Orientation {
  const src = pipeline.spec.source;
  const tgt = targetFor(pipeline, tenant);
  const srcConnector = connectors.get(src.connector);
  const sourceIsLocal = srcConnector ? isLocal(srcConnector) : src.type === 'table';
  if (sourceIsLocal) {
    const table = src.type === 'table' ? src.table : src.object;
    return { sourceIsLocal, localObject: `${src.connector}.${table}`, remote: { connector: tgt.connector, object: tgt.object ?? tgt.table ?? '' } };
  }
  const object = src.type === 'table' ? src.table : src.object;
  return { sourceIsLocal, localObject: `${tgt.connector}.${tgt.table ?? tgt.object ?? ''}`, remote: { connector: src.connector, object } };
}

export function localRef(o: Orientation, key: string): LocalRef {
  return { object: o.localObject, key };
}

export function remoteRef(o: Orientation, id: string): RemoteRef {
  return { ...o.remote, id };
}
