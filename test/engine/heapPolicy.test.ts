import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapFlag } from '../../src/engine/heapPolicy.js';

describe('the daemon heap policy', () => {
  it('lets the heap grow by half its live size after a full collection', () => {
    expect(heapFlag([], undefined)).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapFlag(['--enable-source-maps'], '--no-warnings')).toBe('--heap-growing-percent=50');
  });

  it('keeps heap sizing the operator chose on the command line or in NODE_OPTIONS', () => {
    expect(heapFlag(['--max-old-space-size=512'], undefined)).toBeUndefined();
    expect(heapFlag(['--heap-growing-percent=200'], undefined)).toBeUndefined();
    expect(heapFlag([], '--max_old_space_size=1024')).toBeUndefined();
    expect(heapFlag([], '--enable-source-maps --max-old-space-size=300')).toBeUndefined();
  });
});
