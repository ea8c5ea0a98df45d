import { clearSourceFailure, listSourceFailures, recordSourceFailure } from '../../src/state/index.js';
import { registerSecret } from '../../src/telemetry/secrets.js';
import { backends, useStore } from './harness.js';

const SOURCE = { pipeline: 'companies', source: 'queast' };

describe.each(backends)('failing sources on %s', (backend) => {
  const h = useStore(backend);

  it('counts failed polls in a row from the first, keeps the last error, and forgets it on success', async () => {
    const t = h.tenant();
    await recordSourceFailure(t, SOURCE, 'connect ECONNREFUSED 127.0.0.1:5432');
    const first = h.clock.now;
    h.clock.advance(30_000);
    await recordSourceFailure(t, SOURCE, 'search refused (400): Property queast_company_id does not exist');
    await recordSourceFailure(t, { pipeline: 'people', source: 'queast' }, 'people failing');
    expect(await listSourceFailures(t, { pipeline: 'companies' })).toEqual([
      { ...SOURCE, error: 'search refused (400): Property queast_company_id does not exist', failures: 2, firstFailedAt: first, lastFailedAt: first + 30_000 },
    ]);
    expect(await listSourceFailures(h.tenant())).toEqual([]);
    expect(await clearSourceFailure(t, SOURCE)).toBe(true);
    expect(await clearSourceFailure(t, SOURCE)).toBe(false);
    expect((await listSourceFailures(t)).map((f) => f.pipeline)).toEqual(['people']);
  });

  it('never stores a registered secret, and keeps a long error readable and storable', async () => {
    const t = h.tenant();
    const secret = `pat-na1-${backend}-0b7c6e1d-5a4f-4e2b-9c3d-planted`;
    registerSecret(secret);
    await recordSourceFailure(t, SOURCE, `GET https://api.example/x?hapikey=${encodeURIComponent(secret)} failed: token ${secret} rejected`);
    const [failure] = await listSourceFailures(t);
    expect(failure?.error).toContain('failed: token');
    expect(failure?.error).not.toContain(secret);
    expect(failure?.error).not.toContain(encodeURIComponent(secret));

    // Cut inside an emoji: the stored text has no lone surrogate (PostgreSQL refuses one).
    await recordSourceFailure(t, SOURCE, 'x'.repeat(1_999) + '😀 and more');
    const [long] = await listSourceFailures(t);
    expect(long?.error).toHaveLength(2_000);
    expect(long?.error.endsWith('\uFFFD')).toBe(true);
  });
});
