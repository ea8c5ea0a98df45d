/**
 * Removes known secret values from text that may reach an error message. Vendors sometimes echo
 * request data back in error bodies, so the vendor message is scrubbed too, not only our own text.
 */
const MIN_SECRET_LENGTH = 4;
const MASK = '[redacted]';

export class SecretScrubber {
  private readonly secrets = new Set<string>();

  add(value: string | undefined): void {
    if (value && value.length >= MIN_SECRET_LENGTH) this.secrets.add(value);
  }

  scrub(text: string): string;
  scrub(text: string | undefined): string | undefined;
  scrub(text: string | undefined): string | undefined {
    if (text === undefined || this.secrets.size === 0) return text;
    let out = text;
    for (const s of this.secrets) {
      if (out.includes(s)) out = out.split(s).join(MASK);
      // Form- and URL-encoded echoes of the same secret.
      const enc = encodeURIComponent(s);
      if (enc !== s && out.includes(enc)) out = out.split(enc).join(MASK);
    }
    return out;
  }
}
