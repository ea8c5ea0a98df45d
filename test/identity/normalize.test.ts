import {
  normalizeCompanyName,
  normalizeDomain,
  normalizeEmail,
  normalizeLinkedIn,
  normalizePersonName,
} from '../../src/identity/normalize.js';

type Row = readonly [input: unknown, expected: string | undefined];

const emailCases: Row[] = [
  ['  Jane.Doe@Acme.COM ', 'jane.doe@acme.com'],
  ['jane+crm@acme.com', 'jane+crm@acme.com'],
  ['JANE+CRM@ACME.COM', 'jane+crm@acme.com'],
  ['mailto:ops@acme.io', 'ops@acme.io'],
  ['Jane Doe <jane@acme.io>', 'jane@acme.io'],
  ["o'brien@acme.ie", "o'brien@acme.ie"],
  ['x@bücher.de', 'x@xn--bcher-kva.de'],
  ['jane@sub.acme.co.uk', 'jane@sub.acme.co.uk'],
  ['jane@acme', undefined],
  ['jane@@acme.com', undefined],
  ['jane@acme@evil.com', undefined],
  ['@acme.com', undefined],
  ['jane@', undefined],
  ['.jane@acme.com', undefined],
  ['jane.@acme.com', undefined],
  ['ja..ne@acme.com', undefined],
  ['ja ne@acme.com', undefined],
  ['jane@-acme.com', undefined],
  ['jane@acme.c0m', undefined],
  ['', undefined],
  ['   ', undefined],
  [null, undefined],
  [42, undefined],
  [`${'a'.repeat(65)}@acme.com`, undefined],
];

const domainCases: Row[] = [
  ['https://www.Acme.co.uk/about', 'acme.co.uk'],
  ['acme.com', 'acme.com'],
  ['ACME.COM.', 'acme.com'],
  ['www.acme.com:8080/path?q=1#x', 'acme.com'],
  ['http://user:secret@shop.acme.com/', 'acme.com'],
  ['jane@eu.acme.com', 'acme.com'],
  ['JANE@Acme.Com.AU', 'acme.com.au'],
  ['https://blog.acme.com.br', 'acme.com.br'],
  ['acme.github.io', 'acme.github.io'],
  ['bücher.de', 'xn--bcher-kva.de'],
  ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
  ['  https://acme.io  ', 'acme.io'],
  ['localhost', undefined],
  ['http://localhost:3000', undefined],
  ['127.0.0.1', undefined],
  ['http://192.168.0.1:8080/x', undefined],
  ['http://[::1]/', undefined],
  ['co.uk', undefined],
  ['com', undefined],
  ['acme.internal', undefined],
  ['example.invalid', undefined],
  ['not a domain', undefined],
  ['', undefined],
  [undefined, undefined],
];

const linkedinCases: Row[] = [
  ['https://uk.linkedin.com/company/acme-inc/about/', 'company/acme-inc'],
  ['linkedin.com/in/Jane-Doe-123?trk=x', 'in/jane-doe-123'],
  ['https://www.linkedin.com/in/jane-doe-123/', 'in/jane-doe-123'],
  ['http://www.linkedin.com/company/acme-inc', 'company/acme-inc'],
  ['https://m.linkedin.com/in/jane-doe', 'in/jane-doe'],
  ['https://touch.www.linkedin.com/in/jane-doe', 'in/jane-doe'],
  ['https://www.linkedin.com/mwlite/in/jane-doe', 'in/jane-doe'],
  ['https://www.linkedin.com/in/j%C3%A9r%C3%B4me-dupont', 'in/jérôme-dupont'],
  ['https://www.linkedin.com/company/acme-inc#people', 'company/acme-inc'],
  ['https://de.linkedin.com/company/ACME-GmbH/posts/?feedView=all', 'company/acme-gmbh'],
  ['https://www.linkedin.com/company/1234567/', 'company/1234567'],
  ['https://www.linkedin.com/school/mit/', 'school/mit'],
  ['https://www.linkedin.com/showcase/acme-cloud', 'showcase/acme-cloud'],
  ['in/jane-doe', 'in/jane-doe'],
  ['/company/acme-inc/', 'company/acme-inc'],
  ['https://www.linkedin.com/pub/jane-doe/1/23/456', undefined],
  ['https://lnkd.in/abc123', undefined],
  ['https://www.linkedin.com/company/', undefined],
  ['https://www.linkedin.com/feed/', undefined],
  ['https://notlinkedin.com/in/jane', undefined],
  ['https://linkedin.com.evil.io/in/jane', undefined],
  ['https://www.linkedin.com/in/%E0%A4%A', undefined],
  ['', undefined],
  [{}, undefined],
];

const companyCases: Row[] = [
  ['Acme Inc.', 'acme'],
  ['ACME, Incorporated', 'acme'],
  ['Acme LLC', 'acme'],
  ['Acme L.L.C.', 'acme'],
  ['Acme Ltd', 'acme'],
  ['Acme Limited', 'acme'],
  ['Acme Corp.', 'acme'],
  ['Acme Corporation', 'acme'],
  ['Acme Co.', 'acme'],
  ['Acme GmbH', 'acme'],
  ['Acme AG', 'acme'],
  ['Acme SA', 'acme'],
  ['Acme S.A.', 'acme'],
  ['Acme S. A.', 'acme'],
  ['Acme SAS', 'acme'],
  ['Acme SARL', 'acme'],
  ['Acme BV', 'acme'],
  ['Acme B.V.', 'acme'],
  ['Acme N.V.', 'acme'],
  ['Acme Oy', 'acme'],
  ['Acme AB', 'acme'],
  ['Acme AS', 'acme'],
  ['Acme A/S', 'acme'],
  ['Acme ApS', 'acme'],
  ['Acme Pty Ltd', 'acme'],
  ['Acme PLC', 'acme'],
  ['Acme S.p.A.', 'acme'],
  ['Acme S.r.l.', 'acme'],
  ['Acme K.K.', 'acme'],
  ['Acme Holdings Co., Ltd.', 'acme holdings'],
  ['Acme & Co.', 'acme'],
  ['Acme GmbH & Co. KG', 'acme'],
  ['The Acme Company', 'acme'],
  ['Müller & Söhne GmbH', 'muller and sohne'],
  ['Société Générale S.A.', 'societe generale'],
  ['Straße AG', 'strasse'],
  ['Ørsted A/S', 'orsted'],
  ['AT&T Inc.', 'at and t'],
  ["O'Reilly Media, Inc.", 'oreilly media'],
  ['ＡＣＭＥ　Inc', 'acme'],
  ['AB Volvo', 'ab volvo'],
  ['Co-op Bank', 'co op bank'],
  ['Limited', 'limited'],
  ['The', 'the'],
  ['  ', undefined],
  ['!!!', undefined],
  [undefined, undefined],
];

describe('normalizeEmail', () => {
  it.each(emailCases)('%j → %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });
});

describe('normalizeDomain', () => {
  it.each(domainCases)('%j → %j', (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });
});

describe('normalizeLinkedIn', () => {
  it.each(linkedinCases)('%j → %j', (input, expected) => {
    expect(normalizeLinkedIn(input)).toBe(expected);
  });
});

describe('normalizeCompanyName', () => {
  it.each(companyCases)('%j → %j', (input, expected) => {
    expect(normalizeCompanyName(input)).toBe(expected);
  });
});

describe('normalizePersonName', () => {
  it('folds case, accents and punctuation but keeps every word', () => {
    expect(normalizePersonName('  José  María O’Neil-Ávila ')).toBe('jose maria oneil avila');
    expect(normalizePersonName('Anna Co')).toBe('anna co');
    expect(normalizePersonName('')).toBeUndefined();
  });
});

describe('normalisation is idempotent', () => {
  const all: [string, (v: unknown) => string | undefined, Row[]][] = [
    ['email', normalizeEmail, emailCases],
    ['domain', normalizeDomain, domainCases],
    ['linkedin', normalizeLinkedIn, linkedinCases],
  ];
  it.each(all)('%s keys normalise to themselves', (_kind, normalize, rows) => {
    for (const [, expected] of rows) {
      if (expected !== undefined) expect(normalize(expected)).toBe(expected);
    }
  });
  it('company names normalise to themselves', () => {
    for (const [, expected] of companyCases) {
      if (expected !== undefined) expect(normalizeCompanyName(expected)).toBe(expected);
    }
  });
});
