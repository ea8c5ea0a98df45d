/**
 * API v1 under `/v1`, where v2 has no equivalent: notes, webhook subscriptions, and the field
 * definitions in their v1 `key`/`name` form. v1 pages with `start`/`limit`.
 */
import type { FastifyInstance } from 'fastify';
import { sendWebhookErrors } from '../errors.js';
import { v1Field } from '../fields.js';
import { addNote } from '../fixtures.js';
import { pathId, queryOf, registerOperation, type PipedriveContext } from '../gate.js';
import { OPERATIONS } from '../operations.js';
import { ValidationError, isPlainObject, type EntityName } from '../records.js';
import type { NoteRow, PipedriveStore, WebhookRow } from '../store.js';

const V1_MAX_LIMIT = 500;

export function registerV1(app: FastifyInstance, ctx: PipedriveContext): void {
  registerOperation(app, ctx, OPERATIONS.getNotes, (request) => {
    const q = queryOf(request);
    const { start, limit } = v1Paging(q.start, q.limit);
    const filters: [keyof NoteRow, number | undefined][] = [
      ['org_id', intParam(q.org_id, 'org_id')],
      ['person_id', intParam(q.person_id, 'person_id')],
      ['deal_id', intParam(q.deal_id, 'deal_id')],
      ['user_id', intParam(q.user_id, 'user_id')],
    ];
    const since = q.updated_since ? v1Since(q.updated_since) : undefined;
    const notes = [...ctx.store.notes.values()].filter(
      (n) => filters.every(([k, v]) => v === undefined || n[k] === v) && (since === undefined || n.update_time >= since),
    );
    const page = notes.slice(start, start + limit);
    const more = start + limit < notes.length;
    return {
      success: true,
      data: page.map((n) => noteJson(ctx.store, n)),
      additional_data: { pagination: { start, limit, more_items_in_collection: more, ...(more ? { next_start: start + limit } : {}) } },
    };
  });

  registerOperation(app, ctx, OPERATIONS.addNote, (request) => {
    const body = request.body;
    if (!isPlainObject(body)) throw new ValidationError('Validation failed: body must be a JSON object');
    if (typeof body.content !== 'string' || body.content === '') throw new ValidationError('Validation failed: content: Parameter is required');
    const links: [string, EntityName][] = [
      ['org_id', 'organizations'],
      ['person_id', 'persons'],
      ['deal_id', 'deals'],
    ];
    const seed: Record<string, unknown> = { content: body.content };
    for (const [field, entity] of links) {
      const raw = body[field];
      if (raw === undefined || raw === null) continue;
      const id = Number(raw);
      if (!Number.isInteger(id) || !ctx.store.get(entity, id)) throw new ValidationError(`Validation failed: ${field}: no such record ${String(raw)}`);
      seed[field] = id;
    }
    if (typeof body.lead_id === 'string') seed.lead_id = body.lead_id;
    // A note must belong to something; the live API's wording is UNCONFIRMED.
    if (Object.keys(seed).length === 1) {
      throw new ValidationError('Validation failed: a note needs one of deal_id, person_id, org_id, lead_id, project_id');
    }
    const id = addNote(ctx.store, seed as { content: string });
    return { success: true, data: noteJson(ctx.store, ctx.store.notes.get(id) as NoteRow) };
  });

  registerOperation(app, ctx, OPERATIONS.getWebhooks, () => ({
    status: 'ok',
    success: true,
    data: [...ctx.store.webhooks.values()].map((w) => webhookJson(ctx, w)),
  }));

  registerOperation(app, ctx, OPERATIONS.addWebhook, (request, reply) => {
    const body = (isPlainObject(request.body) ? request.body : {}) as Record<string, unknown>;
    const errors = checkWebhookBody(body);
    const owned = [...ctx.store.webhooks.values()].filter((w) => w.user_id === ctx.config.company.userId).length;
    // The cap is documented (FACTS §2.5); the error wording is UNCONFIRMED.
    if (owned >= ctx.config.webhooks.maxPerUser) errors.subscription_url = [`a user can have at most ${ctx.config.webhooks.maxPerUser} webhooks`];
    if (Object.keys(errors).length > 0) return sendWebhookErrors(reply, 400, errors);
    const hook: WebhookRow = {
      id: ctx.store.webhookIds.take(),
      name: body.name as string,
      subscription_url: body.subscription_url as string,
      event_action: body.event_action as string,
      event_object: body.event_object as string,
      user_id: typeof body.user_id === 'number' ? body.user_id : ctx.config.company.userId,
      version: (body.version as string | undefined) ?? '2.0',
      http_auth_user: typeof body.http_auth_user === 'string' ? body.http_auth_user : null,
      http_auth_password: typeof body.http_auth_password === 'string' ? body.http_auth_password : null,
      add_time: new Date().toISOString(),
      last_delivery_time: null,
      last_http_status: null,
      firstAttemptFailures: 0,
      bannedUntil: 0,
    };
    ctx.store.webhooks.set(hook.id, hook);
    return reply.code(201).send({ status: 'ok', success: true, data: webhookJson(ctx, hook) });
  });

  registerOperation(app, ctx, OPERATIONS.deleteWebhook, (request, reply) => {
    const id = pathId(request);
    if (!ctx.store.webhooks.delete(id)) return sendWebhookErrors(reply, 404, { id: ['Webhook not found'] });
    return { status: 'ok', success: true };
  });

  const fieldOps: [typeof OPERATIONS.getDealFieldsV1, EntityName][] = [
    [OPERATIONS.getDealFieldsV1, 'deals'],
    [OPERATIONS.getPersonFieldsV1, 'persons'],
    [OPERATIONS.getOrganizationFieldsV1, 'organizations'],
  ];
  for (const [op, entity] of fieldOps) {
    registerOperation(app, ctx, op, (request) => {
      const q = queryOf(request);
      const { start, limit } = v1Paging(q.start, q.limit);
      const all = ctx.store.fields[entity];
      return {
        success: true,
        data: all.slice(start, start + limit).map((f, i) => v1Field(f, start + i + 1)),
        additional_data: { start, limit, more_items_in_collection: start + limit < all.length },
      };
    });
  }
}

function checkWebhookBody(body: Record<string, unknown>): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const url = body.subscription_url;
  // FACTS §2.4 quotes this exact message for a bad subscription URL.
  if (typeof url !== 'string' || !/^https?:\/\/[^\s/]+/i.test(url) || !URL.canParse(url)) errors.subscription_url = ['invalid or non-reachable URL'];
  if (!['create', 'change', 'delete', '*'].includes(body.event_action as string)) errors.event_action = ['must be one of create, change, delete, *'];
  const objects = ['activity', 'deal', 'lead', 'note', 'organization', 'person', 'pipeline', 'product', 'stage', 'user', '*'];
  if (!objects.includes(body.event_object as string)) errors.event_object = [`must be one of ${objects.join(', ')}`];
  if (typeof body.name !== 'string' || body.name === '' || body.name.length > 255) errors.name = ['is required (at most 255 characters)'];
  // Only version 2.0 payloads are produced; a 1.0 subscription would silently receive nothing.
  if (body.version !== undefined && body.version !== '2.0') errors.version = ['only version 2.0 is supported by this server'];
  for (const k of ['http_auth_user', 'http_auth_password']) {
    if (body[k] !== undefined && body[k] !== null && typeof body[k] !== 'string') errors[k] = ['must be a string'];
  }
  return errors;
}

function webhookJson(ctx: PipedriveContext, w: WebhookRow): Record<string, unknown> {
  return {
    id: w.id,
    company_id: ctx.config.company.id,
    owner_id: w.user_id,
    user_id: w.user_id,
    event_action: w.event_action,
    event_object: w.event_object,
    subscription_url: w.subscription_url,
    version: w.version,
    is_active: w.bannedUntil > Date.now() ? 0 : 1,
    add_time: w.add_time,
    remove_time: null,
    type: 'general',
    http_auth_user: w.http_auth_user,
    http_auth_password: w.http_auth_password,
    remove_reason: null,
    last_delivery_time: w.last_delivery_time,
    last_http_status: w.last_http_status,
    admin_id: ctx.config.company.userId,
    name: w.name,
  };
}

function noteJson(store: PipedriveStore, n: NoteRow): Record<string, unknown> {
  const org = n.org_id !== null ? store.rows.organizations.get(n.org_id) : undefined;
  const person = n.person_id !== null ? store.rows.persons.get(n.person_id) : undefined;
  const deal = n.deal_id !== null ? store.rows.deals.get(n.deal_id) : undefined;
  const { company } = store.config;
  return {
    id: n.id,
    user_id: n.user_id,
    deal_id: n.deal_id,
    person_id: n.person_id,
    org_id: n.org_id,
    lead_id: n.lead_id,
    content: n.content,
    add_time: n.add_time,
    update_time: n.update_time,
    active_flag: n.active_flag,
    pinned_to_deal_flag: n.pinned_to_deal_flag,
    pinned_to_person_flag: n.pinned_to_person_flag,
    pinned_to_organization_flag: n.pinned_to_organization_flag,
    last_update_user_id: n.user_id,
    organization: org ? { name: org.name } : null,
    person: person ? { name: person.name } : null,
    deal: deal ? { title: deal.title } : null,
    user: { email: company.userEmail, name: company.userName, icon_url: null, is_you: true },
  };
}

function v1Paging(rawStart: string | undefined, rawLimit: string | undefined): { start: number; limit: number } {
  const start = rawStart ? Number(rawStart) : 0;
  const limit = rawLimit ? Number(rawLimit) : 100;
  if (!Number.isInteger(start) || start < 0) throw new ValidationError('Validation failed: start: must be a non-negative integer');
  if (!Number.isInteger(limit) || limit < 1 || limit > V1_MAX_LIMIT) throw new ValidationError(`Validation failed: limit: must be between 1 and ${V1_MAX_LIMIT}`);
  return { start, limit };
}

function intParam(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new ValidationError(`Validation failed: ${name}: must be an integer`);
  return n;
}

/** v1 `updated_since` is RFC3339; notes store v1 `YYYY-MM-DD HH:MM:SS` times. */
function v1Since(raw: string): string {
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new ValidationError('Validation failed: updated_since: must be an RFC3339 date-time');
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
