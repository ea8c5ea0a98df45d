/**
 * syncd's own webhook subscriptions, where the vendor's API can register them (Pipedrive's
 * `POST /v1/webhooks`): one per (tenant, connection, event), pointing at the daemon's public URL.
 *
 * A subscription is recognised as syncd's by its name, `syncd <tenant>/<connection> <event>
 * <fingerprint>`, where the fingerprint is the content version of every field it was registered
 * with (URL, credentials included). Reconciling is therefore stateless and safe to repeat: a
 * subscription whose name is wanted is kept; a wanted name that is missing is created (a new
 * public URL or rotated credentials make a new name); one of ours whose name is no longer wanted
 * is deleted once its replacement exists, so deliveries never stop in between. Subscriptions
 * without our prefix (the operator's, other tools') are never touched.
 *
 * The fingerprint is a truncated hash, never the credentials themselves; the vendor's own listing
 * is where they would be readable, and it is only ever read here, never logged.
 */
import { compileExpression } from '../connectors/expression.js';
import type { ConnectorClient } from '../connectors/client.js';
import type { WebhookSubscribeSpec, WebhookVerifierSpec } from '../spec/types.js';
import { acquireLease, releaseLease, renewLease } from '../state/leases.js';
import type { Scope } from '../state/scope.js';
import { contentVersion } from './contentVersion.js';

export interface SubscriptionTarget {
  tenant: string;
  /** The connection (connector name), as in `/webhooks/<tenant>/<connection>`. */
  connection: string;
  /** The endpoint's public URL, which the vendor calls. */
  url: string;
  spec: WebhookSubscribeSpec;
  /** The connector's resolved `verify` block: the credentials a subscription may carry. */
  verify: WebhookVerifierSpec;
  client: ConnectorClient;
}

export interface SubscriptionOutcome {
  tenant: string;
  connection: string;
  /** Events whose subscription was already registered as wanted. */
  kept: string[];
  /** Events whose subscription was created now. */
  created: string[];
  /** Subscriptions of ours deleted: replaced, duplicated, or for an event no longer declared. */
  deleted: number;
}

/** The prefix of every subscription syncd registers for this tenant's connection. */
function subscriptionPrefix(tenant: string, connection: string): string {
  return `syncd ${tenant}/${connection} `;
}

/** Lists the connection's subscriptions, creates the wanted ones that are missing, deletes our stale ones. */
export async function reconcileSubscriptions(t: SubscriptionTarget, signal?: AbortSignal): Promise<SubscriptionOutcome> {
  const [object, createOp] = split(t.spec.operation);
  const [, listOp] = split(t.spec.list);
  const [, deleteOp] = split(t.spec.delete);
  const nameProperty = t.spec.nameProperty ?? 'name';
  const prefix = subscriptionPrefix(t.tenant, t.connection);

  const build = compileExpression(t.spec.fields);
  const wanted = new Map<string, { event: string; fields: Record<string, unknown> }>();
  for (const event of t.spec.events) {
    const fields = await build.evaluate({ url: t.url, event, verify: t.verify });
    if (!fields || typeof fields !== 'object' || Array.isArray(fields)) {
      throw new Error(`webhooks.subscribe.fields of ${t.connection} must build an object of subscription fields for event ${event}`);
    }
    const name = `${prefix}${event} ${contentVersion(fields)}`;
    wanted.set(name, { event, fields: { ...(fields as Record<string, unknown>), [nameProperty]: name } });
  }

  const ours: Array<{ id: string; name: string }> = [];
  for await (const r of t.client.list(object, { operation: listOp, ...(signal ? { signal } : {}) })) {
    const name = r.fields[nameProperty];
    if (typeof name === 'string' && name.startsWith(prefix)) ours.push({ id: r.id, name });
  }

  const kept = new Set<string>();
  const stale: string[] = [];
  for (const s of ours) {
    // A second subscription of one name would deliver every event twice.
    if (wanted.has(s.name) && !kept.has(s.name)) kept.add(s.name);
    else stale.push(s.id);
  }
  const outcome: SubscriptionOutcome = { tenant: t.tenant, connection: t.connection, kept: [], created: [], deleted: 0 };
  for (const [name, w] of wanted) {
    if (kept.has(name)) {
      outcome.kept.push(w.event);
      continue;
    }
    const [result] = await t.client.write(object, createOp, [{ fields: w.fields }], signal ? { signal } : {});
    if (result && !result.ok) throw result.error;
    outcome.created.push(w.event);
  }
  if (stale.length) {
    const results = await t.client.write(object, deleteOp, stale.map((id) => ({ id })), signal ? { signal } : {});
    const failed = results.find((r) => !r.ok);
    if (failed && !failed.ok) throw failed.error;
    outcome.deleted = stale.length;
  }
  return outcome;
}

export interface SubscriptionKeeperOptions {
  targets: readonly SubscriptionTarget[];
  scopeFor: (tenant: string) => Scope;
  worker: string;
  /** Between reconciliations that succeeded. Default: 15 minutes (a vendor may delete a failing webhook). */
  everyMs?: number;
  /** After a failure. Default: 1 minute. */
  retryMs?: number;
  /** The reconciling worker's lease, renewed at a third of it while it works. Default: 5 minutes. */
  leaseMs?: number;
  onOutcome: (o: SubscriptionOutcome) => void;
  onError: (target: SubscriptionTarget, err: unknown) => void;
}

/**
 * Reconciles each target at once and then on a schedule, under a lease per (tenant, connection)
 * so that workers sharing a store do not create the same subscription twice. Stopping leaves the
 * subscriptions registered: the vendor retries deliveries while the daemon is down.
 */
export function keepSubscriptions(opts: SubscriptionKeeperOptions): { stop(): Promise<void> } {
  const abort = new AbortController();
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  const everyMs = opts.everyMs ?? 15 * 60_000;
  const retryMs = opts.retryMs ?? 60_000;
  const leaseMs = opts.leaseMs ?? 5 * 60_000;

  const once = async (t: SubscriptionTarget): Promise<boolean> => {
    const scope = opts.scopeFor(t.tenant);
    const lease = `webhooks:${t.connection}`;
    const held = await acquireLease(scope, lease, opts.worker, leaseMs);
    // Another worker reconciles this connection now.
    if (!held.acquired) return true;
    // A vendor slow to answer must not let the lease lapse mid-reconcile, or a second worker would
    // list the same subscriptions and create the missing ones again; a lost lease stops this one.
    const lost = new AbortController();
    const renew = setInterval(() => {
      renewLease(scope, lease, opts.worker, leaseMs)
        .then((l) => (l ? undefined : lost.abort(new Error(`lease ${lease} was taken over`))))
        .catch(() => undefined);
    }, Math.max(1, Math.floor(leaseMs / 3)));
    try {
      opts.onOutcome(await reconcileSubscriptions(t, AbortSignal.any([abort.signal, lost.signal])));
      return true;
    } finally {
      clearInterval(renew);
      await releaseLease(scope, lease, opts.worker).catch(() => undefined);
    }
  };
  const schedule = (t: SubscriptionTarget, delayMs: number): void => {
    if (abort.signal.aborted) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      run(t);
    }, delayMs);
    timer.unref();
    timers.add(timer);
  };
  const run = (t: SubscriptionTarget): void => {
    const p = once(t)
      .catch((err: unknown) => {
        if (!abort.signal.aborted) opts.onError(t, err);
        return false;
      })
      .then((ok) => schedule(t, ok ? everyMs : retryMs))
      .finally(() => running.delete(p));
    running.add(p);
  };
  for (const t of opts.targets) run(t);
  return {
    async stop() {
      abort.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...running]);
    },
  };
}

function split(ref: string): [string, string] {
  const [object, operation] = ref.split('.', 2);
  return [object ?? '', operation ?? ''];
}
