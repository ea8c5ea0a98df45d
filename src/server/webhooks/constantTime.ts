import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Both sides are first reduced to HMAC digests under a per-process key, so timingSafeEqual always
// compares equal-length buffers and the comparison leaks neither content nor the expected length.
const key = randomBytes(32);

/** Constant-time equality of two strings or byte sequences. */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const da = createHmac('sha256', key).update(a).digest();
  const db = createHmac('sha256', key).update(b).digest();
  return timingSafeEqual(da, db);
}

