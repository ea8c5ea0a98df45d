import { matchRecord, type MatchRules } from '../../src/identity/matcher.js';
import { nameSimilarity } from '../../src/identity/similarity.js';
import { DEFAULT_AUTO_LINK, DEFAULT_REVIEW, type LocalRecord, type MatchStrategy } from '../../src/identity/strategies.js';
import { MemorySource, remote } from './memorySource.js';

const link: MatchStrategy = { type: 'link' };
const extId: MatchStrategy = { type: 'externalId', field: 'id', property: 'queast_id' };
const email: MatchStrategy = { type: 'email', field: 'email', property: 'email' };
const domain: MatchStrategy = { type: 'domain', field: 'website', property: 'domain' };
const linkedin: MatchStrategy = { type: 'linkedin', field: 'linkedin', property: 'linkedin_company_page' };
const fuzzy = { type: 'fuzzyName', field: 'name', property: 'name' } as const satisfies MatchStrategy;

const allStrategies: MatchRules = { rules: [link, extId, domain, linkedin, { ...fuzzy, autoLink: 0.95 }] };

function local(key: string, fields: Record<string, unknown>): LocalRecord {
  return { key, fields };
}

describe('matchRecord: strategy order', () => {
  const remotes = [
    remote('r-linked', { name: 'Something Else', domain: 'other.com' }),
    remote('r-ext', { name: 'Acme', queast_id: 'c-1', domain: 'other.org' }),
    remote('r-domain', { name: 'Acme', domain: 'www.acme.com' }),
  ];
  const acme = local('c-1', { id: 'c-1', name: 'Acme Inc', website: 'https://acme.com' });

  it('follows an existing link before anything else and consults nothing more', async () => {
    const source = new MemorySource(remotes).link('c-1', 'r-linked');
    const out = await matchRecord(acme, allStrategies, source);
    expect(out).toMatchObject({ decision: 'link', remoteId: 'r-linked', strategy: 'link', score: 1 });
    expect(source.calls).toEqual(['byLink:c-1']);
  });

  it('tries the external id before exact keys', async () => {
    const source = new MemorySource(remotes);
    const out = await matchRecord(acme, allStrategies, source);
    expect(out).toMatchObject({ decision: 'link', remoteId: 'r-ext', strategy: 'externalId', score: 1 });
    expect(source.calls).toEqual(['byLink:c-1', 'byExternalId:queast_id=c-1']);
  });

  it('runs strategies in the declared order, not a built-in one', async () => {
    const source = new MemorySource(remotes);
    const out = await matchRecord(acme, { rules: [domain, extId] }, source);
    expect(out).toMatchObject({ decision: 'link', remoteId: 'r-domain', strategy: 'domain' });
    expect(source.calls).toEqual(['byKey:domain:domain=acme.com']);
  });

  it('tries a declared link first wherever it is declared', async () => {
    const source = new MemorySource(remotes).link('c-1', 'r-linked');
    const out = await matchRecord(acme, { rules: [extId, domain, link] }, source);
    expect(out).toMatchObject({ decision: 'link', remoteId: 'r-linked', strategy: 'link' });
    expect(source.calls).toEqual(['byLink:c-1']);
  });

  it('falls through strategies that find nothing', async () => {
    const source = new MemorySource(remotes);
    const out = await matchRecord(local('c-9', { id: 'c-9', website: 'acme.com' }), allStrategies, source);
    expect(out).toMatchObject({ decision: 'link', remoteId: 'r-domain', strategy: 'domain', score: 1 });
    expect(source.calls).toEqual(['byLink:c-9', 'byExternalId:queast_id=c-9', 'byKey:domain:domain=acme.com']);
  });

  it('is new when no strategy finds anything', async () => {
    const source = new MemorySource([]);
    const out = await matchRecord(acme, allStrategies, source);
    expect(out).toEqual({ decision: 'new', strategy: 'none', score: 0, ambiguous: false, candidates: [] });
  });
});

describe('matchRecord: exact keys', () => {
  it('compares normalised keys and ignores loose search hits', async () => {
    const source = new MemorySource([
      remote('r-1', { domain: 'acme.com.evil.io' }),
      remote('r-2', { domain: 'acmeco.com' }),
      remote('r-3', { domain: 'https://shop.ACME.com/' }),
    ]);
    const out = await matchRecord(local('c', { website: 'http://www.acme.com/about' }), { rules: [domain] }, source);
    expect(out).toMatchObject({ decision: 'link', remoteId: 'r-3', score: 1 });
    expect(out.candidates).toEqual([
      { remoteId: 'r-3', score: 1, strategy: 'domain', matchedOn: 'acme.com', rejected: false },
    ]);
  });

  it('matches email case-insensitively but keeps plus-addressing distinct', async () => {
    const source = new MemorySource([
      remote('p-plus', { email: 'jane+crm@acme.com' }),
      remote('p-jane', { email: 'Jane@ACME.com' }),
    ]);
    const out = await matchRecord(local('u', { email: ' JANE@acme.com' }), { rules: [email] }, source);
    expect(out).toMatchObject({ decision: 'link', remoteId: 'p-jane', strategy: 'email' });
  });

  it('matches LinkedIn URLs through their canonical slug', async () => {
    const source = new MemorySource([remote('r-li', { linkedin_company_page: 'https://www.linkedin.com/company/acme-inc' })]);
    const record = local('c', { linkedin: 'https://uk.linkedin.com/company/Acme-Inc/about/?trk=x' });
    const out = await matchRecord(record, { rules: [linkedin] }, source);
    expect(out).toMatchObject({ decision: 'link', remoteId: 'r-li', strategy: 'linkedin', score: 1 });
  });

  it('sends several different candidates on one key to review, never a link', async () => {
    const source = new MemorySource([remote('r-a', { domain: 'acme.com', name: 'Acme' }), remote('r-b', { domain: 'www.acme.com', name: 'Acme' })]);
    const out = await matchRecord(local('c', { website: 'acme.com', name: 'Acme' }), { rules: [domain, fuzzy] }, source);
    expect(out).toMatchObject({ decision: 'review', strategy: 'domain', score: 1, ambiguous: true });
    expect(out.remoteId).toBeUndefined();
    expect(out.candidates.map((c) => c.remoteId)).toEqual(['r-a', 'r-b']);
    // The fuzzy strategy must not get the chance to pick one of them.
    expect(source.calls).toEqual(['byKey:domain:domain=acme.com']);
  });

  it('treats one record found through two keys as one candidate', async () => {
    const source = new MemorySource([remote('p-1', { email: ['jane@acme.com', 'j.doe@acme.com'] })]);
    const out = await matchRecord(local('u', { email: ['jane@acme.com', 'J.Doe@acme.com'] }), { rules: [email] }, source);
    expect(out).toMatchObject({ decision: 'link', remoteId: 'p-1', ambiguous: false });
    expect(out.candidates).toHaveLength(1);
  });

  it('sends two records found through two keys of one record to review', async () => {
    const source = new MemorySource([remote('p-1', { email: 'jane@acme.com' }), remote('p-2', { email: 'j.doe@acme.com' })]);
    const out = await matchRecord(local('u', { email: ['jane@acme.com', 'j.doe@acme.com'] }), { rules: [email] }, source);
    expect(out).toMatchObject({ decision: 'review', ambiguous: true });
  });

  it('skips consumer mail domains unless the pipeline lists its own', async () => {
    const remotes = [remote('r-g', { domain: 'gmail.com' })];
    const record = local('c', { website: 'someone@gmail.com' });
    const skipped = await matchRecord(record, { rules: [domain] }, new MemorySource(remotes));
    expect(skipped.decision).toBe('new');
    const own = await matchRecord(record, { rules: [{ ...domain, ignoreDomains: [] }] }, new MemorySource(remotes));
    expect(own).toMatchObject({ decision: 'link', remoteId: 'r-g' });
  });

  it('matches external ids as text, numbers included, and re-checks them', async () => {
    const source = new MemorySource([remote('r-1', { queast_id: '1234' }), remote('r-2', { queast_id: 12 })]);
    const out = await matchRecord(local('c', { id: 12 }), { rules: [extId] }, source);
    expect(out).toMatchObject({ decision: 'link', remoteId: 'r-2', strategy: 'externalId' });
  });

  it('reads dotted field paths', async () => {
    const source = new MemorySource([remote('r-1', { domain: 'acme.com' })]);
    const nested: MatchStrategy = { type: 'domain', field: 'company.website', property: 'domain' };
    const out = await matchRecord(local('c', { company: { website: 'acme.com' } }), { rules: [nested] }, source);
    expect(out).toMatchObject({ decision: 'link', remoteId: 'r-1' });
  });
});

describe('matchRecord: fuzzy names and thresholds', () => {
  const source = () => new MemorySource([remote('r-initrode', { name: 'Initrode' })]);
  const record = local('c', { name: 'Initech' });
  const score = nameSimilarity('Initech', 'Initrode');

  it('uses a score strictly between 0 and 1 for the boundary cases', () => {
    expect(score).toBeGreaterThan(0.5);
    expect(score).toBeLessThan(1);
  });

  it('links at exactly autoLink', async () => {
    const out = await matchRecord(record, { rules: [{ ...fuzzy, autoLink: score, review: 0.5 }] }, source());
    expect(out).toMatchObject({ decision: 'link', remoteId: 'r-initrode', strategy: 'fuzzyName', score });
  });

  it('reviews just below autoLink', async () => {
    const out = await matchRecord(record, { rules: [{ ...fuzzy, autoLink: score + 1e-9, review: 0.5 }] }, source());
    expect(out).toMatchObject({ decision: 'review', remoteId: 'r-initrode', score, ambiguous: false });
  });

  it('reviews at exactly review', async () => {
    const out = await matchRecord(record, { rules: [{ ...fuzzy, autoLink: 0.99, review: score }] }, source());
    expect(out).toMatchObject({ decision: 'review', remoteId: 'r-initrode', score });
  });

  it('is new just below review, still listing the candidate', async () => {
    const out = await matchRecord(record, { rules: [{ ...fuzzy, autoLink: 0.99, review: score + 1e-9 }] }, source());
    expect(out).toMatchObject({ decision: 'new', strategy: 'fuzzyName', score });
    expect(out.remoteId).toBeUndefined();
    expect(out.candidates).toEqual([
      { remoteId: 'r-initrode', score, strategy: 'fuzzyName', matchedOn: 'initrode', rejected: false },
    ]);
  });

  it('applies the documented defaults (autoLink 0.92, review 0.75)', async () => {
    expect([DEFAULT_AUTO_LINK, DEFAULT_REVIEW]).toEqual([0.92, 0.75]);
    const out = await matchRecord(record, { rules: [fuzzy] }, source());
    expect(out).toMatchObject({ decision: 'review', remoteId: 'r-initrode' });
    const typo = await matchRecord(local('c', { name: 'Initrode Inc' }), { rules: [fuzzy] }, source());
    expect(typo).toMatchObject({ decision: 'link', remoteId: 'r-initrode', score: 1 });
  });

  it('picks the best of several candidates and proposes it for review', async () => {
    const src = new MemorySource([
      remote('r-1', { name: 'Acme Bank' }),
      remote('r-2', { name: 'Acme Widgetz' }),
      remote('r-3', { name: 'Globex' }),
    ]);
    const out = await matchRecord(local('c', { name: 'Acme Widgets, Inc.' }), { rules: [{ ...fuzzy, autoLink: 0.99 }] }, src);
    expect(out).toMatchObject({ decision: 'review', remoteId: 'r-2' });
    expect(out.candidates.map((c) => c.remoteId)).toEqual(['r-2', 'r-1', 'r-3']);
  });

  it('sends two candidates above autoLink to review as ambiguous', async () => {
    const src = new MemorySource([remote('r-1', { name: 'Acme Inc.' }), remote('r-2', { name: 'ACME Corporation' })]);
    const out = await matchRecord(local('c', { name: 'Acme' }), { rules: [fuzzy] }, src);
    expect(out).toMatchObject({ decision: 'review', ambiguous: true, score: 1 });
    expect(out.remoteId).toBeUndefined();
  });

  it('compares person names without stripping designators', async () => {
    const person = { ...fuzzy, nameKind: 'person' } as const;
    const src = new MemorySource([remote('p-1', { name: 'Anna Co' })]);
    const out = await matchRecord(local('u', { name: 'Anna' }), { rules: [{ ...person, autoLink: 0.99, review: 0.99 }] }, src);
    expect(out.decision).toBe('new');
  });
});

describe('matchRecord: rejected pairs', () => {
  it('never auto-links a rejected pair again and falls through to the next strategy', async () => {
    const source = new MemorySource([
      remote('r-wrong', { domain: 'acme.com', name: 'Acme Rockets' }),
      remote('r-right', { domain: 'acme-widgets.com', name: 'Acme Widgets' }),
    ]).reject('c', 'r-wrong');
    const out = await matchRecord(local('c', { website: 'acme.com', name: 'Acme Widgets' }), { rules: [domain, fuzzy] }, source);
    expect(out).toMatchObject({ decision: 'link', remoteId: 'r-right', strategy: 'fuzzyName' });
    expect(out.candidates.find((c) => c.remoteId === 'r-wrong')).toMatchObject({ rejected: true, score: 1 });
  });

  it('falls through to the next candidate on the same key', async () => {
    const source = new MemorySource([remote('r-a', { domain: 'acme.com' }), remote('r-b', { domain: 'acme.com' })]).reject('c', 'r-a');
    const out = await matchRecord(local('c', { website: 'acme.com' }), { rules: [domain] }, source);
    expect(out).toMatchObject({ decision: 'link', remoteId: 'r-b', ambiguous: false });
  });

  it('is new when the only candidate was rejected', async () => {
    const source = new MemorySource([remote('r-a', { domain: 'acme.com', name: 'Acme' })]).reject('c', 'r-a');
    const out = await matchRecord(local('c', { website: 'acme.com', name: 'Acme' }), { rules: [domain, fuzzy] }, source);
    expect(out).toMatchObject({ decision: 'new', strategy: 'none', score: 0 });
    expect(out.candidates).toEqual([{ remoteId: 'r-a', score: 1, strategy: 'domain', matchedOn: 'acme.com', rejected: true }]);
  });

  it('does not follow an existing link an operator rejected', async () => {
    const source = new MemorySource([remote('r-a', { name: 'Acme' })]).link('c', 'r-a').reject('c', 'r-a');
    const out = await matchRecord(local('c', { name: 'Acme' }), { rules: [link, fuzzy] }, source);
    expect(out.decision).toBe('new');
  });

  it('remembers rejections per local record only', async () => {
    const source = new MemorySource([remote('r-a', { domain: 'acme.com' })]).reject('other', 'r-a');
    const out = await matchRecord(local('c', { website: 'acme.com' }), { rules: [domain] }, source);
    expect(out).toMatchObject({ decision: 'link', remoteId: 'r-a' });
  });
});
