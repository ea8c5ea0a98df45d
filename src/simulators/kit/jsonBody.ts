/**
 * JSON request bodies as vendors accept them: SDKs send `Content-Type: application/json` on
 * bodiless requests too, so an empty body is no body; malformed JSON becomes the vendor's own 400.
 */
import type { FastifyError, FastifyInstance } from 'fastify';

export function acceptLenientJson(app: FastifyInstance, invalid: (message: string) => Error): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(invalid((e as Error).message) as unknown as FastifyError, undefined);
    }
  });
}
