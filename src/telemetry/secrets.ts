/**
 * Value-based redaction. Key-based redaction only catches secrets stored under a telling key; a
 * token echoed inside an error message, a URL or a vendor's response body has no such key. So every
 * secret value resolved at load time (`${env:…}`, `${file:…}`, decrypted credentials) is registered
 * here, and every log line, error message and audit text is scrubbed of it.
 */

export const REDACTED = '[REDACTED]';

/**
 * Values shorter than this are not registered: scrubbing a two-letter "secret" from every line
 * would garble the logs while protecting nothing that could not be guessed.
 */
export const MIN_SECRET_LENGTH = 4;

export class SecretRegistry {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  /**
   * Registers a secret value, together with the forms it takes once embedded in JSON or in a URL,
   * since log lines are JSON and secrets often travel in query strings.
   */
  register(value: string | undefined | null): void {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
    const before = this.values.size;
    for (const form of encodedForms(value)) this.values.add(form);
    if (this.values.size !== before) this.pattern = undefined;
  }

  /** Number of registered forms (a value counts once per distinct encoding). */
  get size(): number {
    return this.values.size;
  }

  /** True when `text` contains any registered value. */
  contains(text: string): boolean {
    if (this.values.size === 0) return false;
    const re = this.compiled();
    re.lastIndex = 0;
    return re.test(text);
  }

  /** Replaces every registered value in `text` by `[REDACTED]`. */
  redact(text: string): string {
    if (this.values.size === 0 || text.length === 0) return text;
    return text.replace(this.compiled(), REDACTED);
  }

  private compiled(): RegExp {
    if (!this.pattern) {
      // Longest first, so a secret that contains another registered one is replaced whole.
      const alternatives = [...this.values].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.pattern = new RegExp(alternatives.join('|'), 'g');
    }
    return this.pattern;
  }
}

function encodedForms(value: string): string[] {
  const forms = [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)];
  // A JSON line holding a URL holding the secret: both encodings at once.
  forms.push(JSON.stringify(encodeURIComponent(value)).slice(1, -1));
  return forms.filter((f) => f.length >= MIN_SECRET_LENGTH);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The process-wide registry that loggers, error printers and audit writers use by default. */
export const processSecrets = new SecretRegistry();

/** Registers a resolved secret value in the process-wide registry. */
export function registerSecret(value: string | undefined | null): void {
  processSecrets.register(value);
}

/** Scrubs every registered secret value out of `text` (process-wide registry). */
export function redactSecrets(text: string): string {
  return processSecrets.redact(text);
}
