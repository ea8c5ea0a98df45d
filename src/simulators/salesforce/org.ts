/**
 * The state of one simulated org: schema, records, API budget, open query cursors, id counters,
 * and the change event log with the Pub/Sub streams that read it. Everything vendor-specific that
 * the routes share hangs off this object.
 */
import type { SimulatorKit } from '../kit/server.js';
import { DailyBudget } from '../kit/windows.js';
import type { ResolvedSalesforceConfig } from './config.js';
import { instanceCode, makeId } from './ids.js';
import { ChangeEventBus } from './pubsub/eventBus.js';
import { PubSubStreams } from './pubsub/streams.js';
import { QueryCursors } from './soql/cursors.js';
import { buildSObject, type SObjectDef } from './schema.js';
import { RecordStore } from './store.js';

/** API-created records count from here, so they never collide with fixture ids across resets. */
const FIRST_API_RECORD = 10_000;

export class SalesforceOrg {
  readonly defs: SObjectDef[];
  readonly store: RecordStore;
  readonly budget: DailyBudget;
  readonly cursors: QueryCursors;
  /** Change Data Capture: events published by committed transactions. */
  readonly changeEvents: ChangeEventBus;
  readonly pubSubStreams = new PubSubStreams();
  private instance = '5g';
  private readonly apiCounters = new Map<string, number>();
  private readonly fixtureCounters = new Map<string, number>();
  private kitRef: SimulatorKit | undefined;
  private locatorCounter = 0;

  constructor(readonly config: ResolvedSalesforceConfig) {
    this.defs = config.sobjects.map((s) => buildSObject(s, config.externalIdFields[s.name] ?? []));
    for (const [name, fields] of Object.entries(config.externalIdFields)) {
      const def = this.defs.find((d) => d.name === name);
      for (const f of fields) {
        if (!def?.byLowerName.has(f.toLowerCase())) throw new Error(`salesforce simulator: externalIdFields names unknown field ${name}.${f}`);
      }
    }
    this.store = new RecordStore(this.defs, () => this.kit.clock);
    this.budget = new DailyBudget(config.dailyApiRequestLimit);
    this.cursors = new QueryCursors(config.maxOpenQueryCursors);
    this.changeEvents = new ChangeEventBus(this.defs, config.changeEventEntities, config.changeEventRetentionHours * 3_600_000);
    this.store.onCommit = (tx) => this.changeEvents.capture(tx);
  }

  attach(kit: SimulatorKit): void {
    this.kitRef = kit;
    this.instance = instanceCode(kit.rand);
    this.changeEvents.attach(kit.clock, kit.options.seed ?? 1);
  }

  get kit(): SimulatorKit {
    if (!this.kitRef) throw new Error('salesforce simulator: org used before the simulator started');
    return this.kitRef;
  }

  baseUrl(): string {
    return this.kit.baseUrl();
  }

  newId(def: SObjectDef): string {
    const n = this.apiCounters.get(def.keyPrefix) ?? FIRST_API_RECORD;
    this.apiCounters.set(def.keyPrefix, n + 1);
    return makeId(def.keyPrefix, this.instance, n);
  }

  /** Query locators look like record ids with the `01g` prefix. */
  newQueryLocator(): string {
    this.locatorCounter += 1;
    return makeId('01g', this.instance, this.locatorCounter);
  }

  /** Fixture ids restart on every reset, so fixtures keep their ids. */
  newFixtureId(def: SObjectDef): string {
    const n = (this.fixtureCounters.get(def.keyPrefix) ?? 0) + 1;
    this.fixtureCounters.set(def.keyPrefix, n);
    return makeId(def.keyPrefix, this.instance, n);
  }

  resetState(): void {
    this.store.clear();
    this.cursors.clear();
    this.budget.reset();
    this.budget.limit = this.config.dailyApiRequestLimit;
    this.fixtureCounters.clear();
    this.changeEvents.clear();
    this.pubSubStreams.reset();
  }

  /** `api-usage=N/M`, the value of `Sforce-Limit-Info`. */
  limitInfo(): string {
    return `api-usage=${this.budget.used}/${this.budget.limit}`;
  }
}
