/**
 * Salesforce record ids: 15 case-sensitive characters (3-character key prefix naming the object,
 * then an instance part and a counter), extended to 18 characters by a case-encoding checksum so
 * that case-insensitive systems can still tell ids apart. The API always returns the 18-character
 * form and accepts both.
 */
const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_SHAPE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

function isUpper(code: number): boolean {
  return code >= 65 && code <= 90;
}

/** The three checksum characters of a 15-character id. */
export function idChecksum(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let flags = 0;
    for (let j = 0; j < 5; j++) {
      if (isUpper(id15.charCodeAt(chunk * 5 + j))) flags |= 1 << j;
    }
    out += CHECKSUM_ALPHABET[flags];
  }
  return out;
}

export function looksLikeId(value: string): boolean {
  return ID_SHAPE.test(value);
}

/**
 * The canonical 18-character form of a 15- or 18-character id, or undefined when the value is not
 * id-shaped. An 18-character id may arrive in the wrong case (it is meant to survive that): the
 * checksum says which letters are upper case.
 */
export function canonicalId(value: string): string | undefined {
  if (value.length === 15) return ID_SHAPE.test(value) ? value + idChecksum(value) : undefined;
  if (value.length !== 18 || !ID_SHAPE.test(value)) return undefined;
  const head = value.slice(0, 15);
  const suffix = value.slice(15).toUpperCase();
  if (idChecksum(head) === suffix) return head + suffix;
  let fixed = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const flags = CHECKSUM_ALPHABET.indexOf(suffix[chunk] as string);
    if (flags < 0) return undefined;
    for (let j = 0; j < 5; j++) {
      const ch = head[chunk * 5 + j] as string;
      fixed += flags & (1 << j) ? ch.toUpperCase() : ch.toLowerCase();
    }
  }
  return fixed + idChecksum(fixed);
}

export function toBase62(n: number, width: number): string {
  let out = '';
  let rest = Math.floor(n);
  while (rest > 0) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

/** Two instance characters drawn from the seed, so different seeds give visibly different ids. */
export function instanceCode(rand: () => number): string {
  const digit = Math.floor(rand() * 10).toString();
  const letter = String.fromCharCode(97 + Math.floor(rand() * 26));
  return digit + letter;
}

/** `prefix` (3) + instance (2) + `0000` + counter (6, base 62) = 15 characters, then the checksum. */
export function makeId(prefix: string, instance: string, counter: number): string {
  const id15 = `${prefix}${instance}0000${toBase62(counter, 6)}`;
  return id15 + idChecksum(id15);
}
