/**
 * Normalisation of identity keys. Two records are the same entity on an exact key only if their
 * normalised keys are equal, so every function here is deterministic, total (never throws) and
 * returns `undefined` for a value that cannot serve as a key: a wrong key must not link two
 * unrelated records, so doubt means "no key".
 */
import { domainToASCII } from 'node:url';
import { parse as parseHost } from 'tldts';
import { LEGAL_SUFFIXES } from './legalSuffixes.js';

/** The kinds of exact key the matcher knows how to normalise. */
export type KeyKind = 'email' | 'domain' | 'linkedin';

// Dot-atom local part (RFC 5322 without quoted strings and comments, which CRMs do not accept
// either) and a host of at least two labels.
const EMAIL_LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/u;
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * An email address as a key: trimmed and lower-cased, plus-addressing kept (`jane+crm@acme.com`
 * and `jane@acme.com` are different mailboxes to the CRMs too). A `mailto:` prefix or a display
 * form `Jane <jane@acme.com>` is unwrapped. Anything that is not one plausible address → undefined.
 */
export function normalizeEmail(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  let s = input.trim();
  const display = /<([^<>]*)>$/.exec(s);
  if (display) s = display[1]!.trim();
  s = s.replace(/^mailto:/i, '').toLowerCase();
  if (s.length > 254) return undefined;
  const at = s.lastIndexOf('@');
  if (at <= 0 || at !== s.indexOf('@')) return undefined;
  const local = s.slice(0, at);
  // Internationalised domains in their ASCII form, as normalizeDomain returns them.
  const host = domainToASCII(s.slice(at + 1));
  if (local.length > 64 || !EMAIL_LOCAL.test(local)) return undefined;
  const labels = host.split('.');
  if (labels.length < 2 || !labels.every((l) => HOST_LABEL.test(l))) return undefined;
  if (!/^([a-z]{2,}|xn--[a-z0-9-]+)$/.test(labels[labels.length - 1]!)) return undefined;
  return `${local}@${host}`;
}

/**
 * The registrable domain (public suffix + one label, from the public suffix list through `tldts`)
 * of a URL, an email address or a bare host: `https://www.Acme.co.uk/about` → `acme.co.uk`,
 * `jane@eu.acme.com` → `acme.com`. Internationalised names come back in their ASCII (punycode)
 * form so both spellings meet.
 *
 * Private suffixes of the list count (`acme.github.io` stays `acme.github.io`): otherwise every
 * tenant of a hosting platform would share one key and auto-link to each other. IP addresses,
 * `localhost`, bare public suffixes and hosts whose suffix is on neither part of the list
 * (`acme.internal`, `example.invalid`) → undefined.
 */
export function normalizeDomain(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  let s = input.trim();
  if (s === '') return undefined;
  if (!s.includes('://')) {
    // An email: keep what follows the last @. A URL with credentials always has a scheme.
    const at = s.lastIndexOf('@');
    if (at >= 0) s = s.slice(at + 1);
    s = `http://${s}`;
  }
  let hostname: string;
  try {
    hostname = new URL(s).hostname;
  } catch {
    return undefined;
  }
  const parsed = parseHost(hostname, { allowPrivateDomains: true, extractHostname: false });
  if (parsed.isIp || !parsed.domain) return undefined;
  if (!parsed.isIcann && !parsed.isPrivate) return undefined;
  return parsed.domain;
}

/** LinkedIn page kinds that identify one entity: a person, a company, a school, a showcase page. */
const LINKEDIN_KINDS = new Set(['in', 'company', 'school', 'showcase']);
// Mobile web clients put a marker segment before the canonical path.
const LINKEDIN_MOBILE_PREFIXES = new Set(['mwlite', 'm']);

/**
 * A LinkedIn profile or company URL reduced to its canonical slug, `<kind>/<slug>`:
 * `https://uk.linkedin.com/company/acme-inc/about/` → `company/acme-inc`,
 * `linkedin.com/in/Jane-Doe-123?trk=x` → `in/jane-doe-123`. Country and mobile hosts
 * (`uk.`, `m.`, `touch.`), mobile path prefixes (`/mwlite/`), query strings, fragments, trailing
 * segments and slashes are dropped; the slug is percent-decoded, lower-cased and NFC-normalised.
 * An already canonical `in/jane-doe` is accepted, so normalising twice changes nothing.
 *
 * Legacy `/pub/` URLs and short links (`lnkd.in`) cannot be reduced without asking LinkedIn,
 * so they → undefined.
 */
export function normalizeLinkedIn(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const s = input.trim();
  if (s === '') return undefined;
  let path: string;
  const first = s.replace(/^\/+/, '').split('/')[0]!.toLowerCase();
  if (LINKEDIN_KINDS.has(first)) {
    path = s.replace(/[?#].*$/, '');
  } else {
    let url: URL;
    try {
      url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `https://${s}`);
    } catch {
      return undefined;
    }
    const host = url.hostname.toLowerCase();
    if (host !== 'linkedin.com' && !host.endsWith('.linkedin.com')) return undefined;
    path = url.pathname;
  }
  let segments: string[];
  try {
    segments = path
      .split('/')
      .filter((seg) => seg !== '')
      .map((seg) => decodeURIComponent(seg).normalize('NFC').toLowerCase().trim());
  } catch {
    return undefined; // malformed percent-encoding
  }
  if (segments.length > 0 && LINKEDIN_MOBILE_PREFIXES.has(segments[0]!)) segments.shift();
  const [kind, slug] = segments;
  if (kind === undefined || slug === undefined || !LINKEDIN_KINDS.has(kind)) return undefined;
  if (slug === '' || /[\s/?#]/u.test(slug)) return undefined;
  return `${kind}/${slug}`;
}

/** Letters that NFKD does not decompose into a base letter plus accents. */
const FOLDED_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', ł: 'l', þ: 'th', ı: 'i', ħ: 'h',
};

/**
 * The tokens of a name, case-folded and accent-stripped: lower case, NFKD with combining marks
 * removed, a few letters NFKD keeps whole folded by hand, "&" read as "and", dots and apostrophes
 * removed inside words ("L.L.C." → "llc", "O'Brien" → "obrien") and any other punctuation a word
 * break.
 */
export function nameTokens(input: string): string[] {
  const folded = input
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ßæœøđðłþıħ]/gu, (c) => FOLDED_LETTERS[c] ?? c)
    .replace(/&/g, ' and ')
    .replace(/[.'’`´]/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return folded === '' ? [] : folded.split(' ');
}

function endsWith(tokens: readonly string[], suffix: readonly string[]): boolean {
  if (suffix.length >= tokens.length) return false; // never strip a name down to nothing
  const offset = tokens.length - suffix.length;
  return suffix.every((t, i) => tokens[offset + i] === t);
}

/**
 * A company name as a comparison key: the name's tokens ({@link nameTokens}) with a leading
 * "the" and trailing legal-form designators ({@link LEGAL_SUFFIXES}) removed, repeatedly, and a
 * dangling "and" left by "& Co." dropped. "Acme Inc." and "ACME, Incorporated" both → `acme`;
 * "Müller & Söhne GmbH" → `muller and sohne`. A name made only of a designator keeps it
 * ("Limited" → `limited`). Blank → undefined.
 */
export function normalizeCompanyName(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const tokens = nameTokens(input);
  if (tokens.length > 1 && tokens[0] === 'the') tokens.shift();
  let stripped = true;
  while (stripped) {
    stripped = false;
    for (const suffix of LEGAL_SUFFIXES) {
      if (endsWith(tokens, suffix)) {
        tokens.length -= suffix.length;
        stripped = true;
      }
    }
    if (stripped && tokens.length > 1 && tokens[tokens.length - 1] === 'and') tokens.pop();
  }
  return tokens.length === 0 ? undefined : tokens.join(' ');
}

/** A person's name as a comparison key: {@link nameTokens} joined, no designators removed. */
export function normalizePersonName(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const tokens = nameTokens(input);
  return tokens.length === 0 ? undefined : tokens.join(' ');
}

/** The normaliser for each exact key kind. */
export const KEY_NORMALIZERS: Readonly<Record<KeyKind, (input: unknown) => string | undefined>> = {
  email: normalizeEmail,
  domain: normalizeDomain,
  linkedin: normalizeLinkedIn,
};
