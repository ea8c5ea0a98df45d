/**
 * The open Subscribe streams of an org and the stream faults: dropping every stream, and failing
 * the next few Subscribe calls. Kept on the org so the admin routes reach them without the server.
 */

export interface OpenStream {
  /** Ends the stream with UNAVAILABLE, as a server restart or a network cut would. */
  drop(): void;
  /** Forgets the stream without sending anything (the server is shutting down). */
  abandon(): void;
}

export class PubSubStreams {
  private readonly open = new Set<OpenStream>();
  private failures = 0;

  add(stream: OpenStream): void {
    this.open.add(stream);
  }

  delete(stream: OpenStream): void {
    this.open.delete(stream);
  }

  get size(): number {
    return this.open.size;
  }

  /** Returns how many streams were dropped. */
  dropAll(): number {
    const streams = [...this.open];
    for (const s of streams) s.drop();
    return streams.length;
  }

  abandonAll(): void {
    for (const s of [...this.open]) s.abandon();
  }

  failNextSubscribes(count: number): void {
    this.failures = Math.max(0, Math.floor(count));
  }

  get pendingFailures(): number {
    return this.failures;
  }

  /** True when this Subscribe call is one of the scripted failures. */
  takeFailure(): boolean {
    if (this.failures <= 0) return false;
    this.failures -= 1;
    return true;
  }

  reset(): void {
    this.failures = 0;
  }
}
