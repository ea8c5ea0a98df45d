/**
 * Server-side query cursors behind `nextRecordsUrl`. A cursor keeps the records its query matched
 * when it ran (stored records are immutable, so this is a snapshot), and batches are cut from it by
 * offset: `/query/<locator>-<offset>`. Like Salesforce, a user holds a bounded number of open
 * cursors and opening one more drops the oldest, whose locator then stops working.
 */
import type { SObjectDef } from '../schema.js';
import type { SfRecord } from '../store.js';

export interface Cursor {
  locator: string;
  def: SObjectDef;
  project: (r: SfRecord, version: string) => Record<string, unknown>;
  rows: SfRecord[];
}

export class QueryCursors {
  private readonly open = new Map<string, Cursor>();

  constructor(private readonly max: number) {}

  add(cursor: Cursor): void {
    this.open.set(cursor.locator, cursor);
    while (this.open.size > this.max) this.open.delete(this.open.keys().next().value as string);
  }

  get(locator: string): Cursor | undefined {
    return this.open.get(locator);
  }

  close(locator: string): void {
    this.open.delete(locator);
  }

  size(): number {
    return this.open.size;
  }

  clear(): void {
    this.open.clear();
  }
}
