/**
 * Salesforce admin routes, beside the kit's (`/__admin/faults`, `/__admin/reset`):
 * - `GET /__admin/state`: org ids, API usage, record counts, open query cursors, refresh count
 * - `GET /__admin/records/{SObject}` and `GET /__admin/records/{SObject}/{id}` (deleted ones too)
 * - `POST /__admin/records/{SObject}`, `PATCH /__admin/records/{SObject}/{id}`,
 *   `DELETE /__admin/records/{SObject}/{id}`: changes made "as a user" in the Salesforce UI, by
 *   `uiUserId`, moving LastModifiedDate and SystemModstamp. `PATCH …?system=true` is a system
 *   change instead: only SystemModstamp moves.
 * - `PUT /__admin/limits` `{max?, used?}`: set the daily API budget or its usage
 * - `POST /__admin/clock/advance` `{ms}`: move the record clock forward
 * - `POST /__admin/sessions`: issue an access token for the integration user
 * - Change Data Capture (`pubsub/admin.ts`): `GET /__admin/pubsub`, `POST /__admin/pubsub/drop-streams`,
 *   `POST /__admin/pubsub/purge` `{before}`, `POST /__admin/pubsub/fail-subscribes` `{count}`
 * None of them count against the API budget. The record edits publish change events.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SimulatorKit } from '../kit/server.js';
import { renderRecord, requireIdShape, requireTable } from './api/records.js';
import { errorResult } from './api/router.js';
import { createRecord, deleteRecord, requireLive, updateRecord, type WriteContext } from './dml.js';
import { notFound } from './errors.js';
import { issueSession } from './oauth.js';
import type { SalesforceOrg } from './org.js';
import { registerPubSubAdmin } from './pubsub/admin.js';

const ADMIN_VERSION_FALLBACK = '66.0';

export function registerAdmin(app: FastifyInstance, kit: SimulatorKit, org: SalesforceOrg): void {
  const version = (): string => org.config.apiVersions[org.config.apiVersions.length - 1] ?? ADMIN_VERSION_FALLBACK;
  const guard = (reply: FastifyReply, run: () => unknown) => {
    try {
      const out = run();
      return out === undefined ? reply.code(204).send() : reply.send(out);
    } catch (err) {
      const r = errorResult(err);
      return reply.code(r.status).send(r.body);
    }
  };
  // UNCONFIRMED: Salesforce documents changeOrigin as set only for API writes (and some Lightning
  // Experience edits); a UI edit here reports it empty. System changes are treated the same way.
  const asUser = <T>(systemOnly: boolean, write: (w: WriteContext) => T): T => {
    const w: WriteContext = { org, tx: org.store.begin({ origin: '', userId: org.config.uiUserId }), actorId: org.config.uiUserId, systemOnly };
    const out = write(w);
    w.tx.commit();
    return out;
  };

  app.get('/__admin/state', async () => ({
    orgId: org.config.orgId,
    userId: org.config.userId,
    instanceUrl: org.baseUrl(),
    apiVersions: org.config.apiVersions,
    apiUsage: { used: org.budget.used, max: org.budget.limit },
    openQueryCursors: org.cursors.size(),
    refreshCount: kit.tokens.refreshCount,
    clock: kit.clock.peek().toISOString(),
    sobjects: Object.fromEntries(org.store.tables().map((t) => [t.def.name, { records: t.live.size, deleted: t.deleted.size }])),
  }));

  app.get('/__admin/records/:sobject', async (request, reply) =>
    guard(reply, () => {
      const table = requireTable(org, (request.params as { sobject: string }).sobject);
      return { records: [...table.live.values()].map((r) => renderRecord(version(), table.def, r)) };
    }),
  );

  app.get('/__admin/records/:sobject/:id', async (request, reply) =>
    guard(reply, () => {
      const p = request.params as { sobject: string; id: string };
      const table = requireTable(org, p.sobject);
      const id = requireIdShape(table, p.id);
      const rec = table.live.get(id) ?? table.deleted.get(id);
      if (!rec) throw notFound();
      return renderRecord(version(), table.def, rec);
    }),
  );

  app.post('/__admin/records/:sobject', async (request, reply) =>
    guard(reply, () => {
      const table = requireTable(org, (request.params as { sobject: string }).sobject);
      const id = asUser(false, (w) => createRecord(w, table, (request.body ?? {}) as Record<string, unknown>));
      return renderRecord(version(), table.def, table.live.get(id) as Record<string, unknown>);
    }),
  );

  app.patch('/__admin/records/:sobject/:id', async (request, reply) =>
    guard(reply, () => {
      const p = request.params as { sobject: string; id: string };
      const system = (request.query as { system?: string }).system === 'true';
      const table = requireTable(org, p.sobject);
      const id = requireIdShape(table, p.id);
      asUser(system, (w) => updateRecord(w, table, id, (request.body ?? {}) as Record<string, unknown>));
      return renderRecord(version(), table.def, table.live.get(id) as Record<string, unknown>);
    }),
  );

  app.delete('/__admin/records/:sobject/:id', async (request, reply) =>
    guard(reply, () => {
      const p = request.params as { sobject: string; id: string };
      const table = requireTable(org, p.sobject);
      const id = requireIdShape(table, p.id);
      requireLive(table, id);
      asUser(false, (w) => deleteRecord(w, table, id));
      return undefined;
    }),
  );

  app.put('/__admin/limits', async (request) => {
    const body = (request.body ?? {}) as { max?: number; used?: number };
    if (typeof body.max === 'number') org.budget.limit = body.max;
    if (typeof body.used === 'number') org.budget.used = body.used;
    return { used: org.budget.used, max: org.budget.limit };
  });

  app.post('/__admin/clock/advance', async (request) => {
    const ms = Number((request.body as { ms?: unknown } | undefined)?.ms ?? 0);
    kit.clock.advance(ms);
    return { clock: kit.clock.peek().toISOString() };
  });

  app.post('/__admin/sessions', async () => ({ access_token: issueSession(kit, org) }));

  registerPubSubAdmin(app, org);
}
