/** Which conflict class each kind of reconciliation item the engine opens is counted under. */
import { conflictClass } from '../../src/engine/pipelineTelemetry.js';

describe('conflict classes of reconciliation items', () => {
  it.each([
    [{ kind: 'mapping', payload: { stage: 'transform', message: 'x' } }, 'mapping'],
    [{ kind: 'mapping', payload: { stage: 'write', status: 400 } }, 'mapping'],
    [{ kind: 'conflict', payload: { reason: 'both_changed', owner: 'merge_with_audit' } }, 'both_changed'],
    [{ kind: 'conflict', payload: { reason: 'immutable_changed', owner: 'immutable_after_bind' } }, 'immutable_field'],
    [{ kind: 'conflict', payload: { reason: 'immutable_bind_mismatch', owner: 'immutable_after_bind' } }, 'immutable_field'],
    [{ kind: 'conflict', payload: { stage: 'write', status: 409 } }, 'target_refused'],
    [{ kind: 'conflict', payload: { reason: 'crm.accounts 7 holds this record’s ext_id, but an operator rejected it', remoteId: '7' } }, 'rejected_match'],
    [{ kind: 'conflict', payload: { stage: 'identity', remoteId: '131', linkedTo: '130' } }, 'duplicate_record'],
    [{ kind: 'conflict', payload: { stage: 'link', remoteId: '131' } }, 'duplicate_record'],
    [{ kind: 'conflict', payload: { stage: 'deleted', remoteId: '006A' } }, 'deleted_record'],
    [{ kind: 'drift', payload: { side: 'crm', base: 'a', overwritten: 'b', kept: 'c' } }, 'drift'],
  ] as const)('%j → %s', (item, expected) => {
    expect(conflictClass(item)).toBe(expected);
  });
});
