/** The budget of one process, kept in memory. */
import type { BucketCorrection, BucketPolicy, BudgetBackend, Grant } from './backend.js';
import { acquireBucket, correctBucket, extendPause, pausedGrant, type BucketState } from './buckets.js';

export class MemoryBudgetBackend implements BudgetBackend {
  private readonly states = new Map<string, BucketState>();
  private readonly pauses = new Map<string, number>();

  private key(connection: string, bucket: string): string {
    return `${connection}\u0000${bucket}`;
  }

  async acquire(connection: string, bucket: string, policy: BucketPolicy, cost: number, now: number): Promise<Grant> {
    const paused = pausedGrant(this.pauses.get(connection) ?? 0, now);
    if (paused) return paused;
    const key = this.key(connection, bucket);
    const step = acquireBucket(this.states.get(key), policy, cost, now);
    this.states.set(key, step.state);
    return step.result;
  }

  async correct(connection: string, bucket: string, policy: BucketPolicy, c: BucketCorrection, now: number): Promise<void> {
    const key = this.key(connection, bucket);
    this.states.set(key, correctBucket(this.states.get(key), policy, c, now));
  }

  async pause(connection: string, until: number): Promise<void> {
    this.pauses.set(connection, extendPause(this.pauses.get(connection) ?? 0, until));
  }

  async pausedUntil(connection: string): Promise<number> {
    return this.pauses.get(connection) ?? 0;
  }
}
