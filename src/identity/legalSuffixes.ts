/**
 * Legal-form designators removed from the end of company names before they are compared, so that
 * "Acme Inc." and "ACME, Incorporated" meet. Each entry is the token sequence left after
 * normalisation (lower case, accents stripped, dots removed, other punctuation split on), which is
 * why "L.L.C." appears as `llc` and "S. A." (with a space) as `s a`.
 *
 * Only the end of a name is stripped, repeatedly ("Acme Holdings Co., Ltd." → "acme holdings"), so
 * a designator inside a name ("Co-op Bank", "AB Volvo") survives.
 */
export const LEGAL_SUFFIXES: readonly (readonly string[])[] = [
  // English-speaking jurisdictions
  ['inc'], ['incorporated'], ['llc'], ['llp'], ['lp'], ['ltd'], ['limited'], ['corp'], ['corporation'],
  ['co'], ['company'], ['plc'], ['pty'], ['pte'], ['pvt'], ['private'],
  // German-speaking
  ['gmbh'], ['ag'], ['kg'], ['kgaa'], ['ohg'], ['ug'], ['gbr'], ['ev'], ['mbh'],
  // French, Spanish, Italian, Portuguese
  ['sa'], ['s', 'a'], ['sas'], ['sasu'], ['sarl'], ['eurl'], ['sl'], ['slu'], ['spa'], ['srl'], ['sapa'],
  ['ltda'], ['lda'], ['sa', 'de', 'cv'], ['de', 'cv'],
  // Benelux, Nordics
  ['bv'], ['b', 'v'], ['nv'], ['n', 'v'], ['vof'], ['oy'], ['oyj'], ['ab'], ['as'], ['asa'], ['aps'], ['a', 's'],
  // Elsewhere
  ['kk'], ['kabushiki', 'kaisha'], ['se'], ['sp', 'z', 'o', 'o'], ['spzoo'], ['zrt'], ['kft'], ['sro'], ['doo'],
];
