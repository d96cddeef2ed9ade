import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

/** Deeper than any payload of ours (a submission is 4 levels); deeper input made class-transformer overflow the stack. */
export const MAX_JSON_DEPTH = 64;

function clientError(message: string): Error {
  return Object.assign(new Error(message), { statusCode: 400 });
}

/** True when arrays/objects nest deeper than `max` (strings are skipped, so brackets inside text do not count). */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * Replaces Fastify's JSON body parser with a stricter one: the bytes must be valid UTF-8 (no silent U+FFFD), nesting is
 * bounded, and `__proto__` / `constructor.prototype` keys are refused — each a 400 in the API error shape.
 */
export function registerStrictJsonParser(app: NestFastifyApplication, bodyLimit: number): void {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parseJson = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  // registered through Nest, which otherwise adds its own JSON parser at init
  app.useBodyParser('application/json', { bodyLimit }, (req: FastifyRequest, body: Buffer, done) => {
    let text: string;
    try {
      text = decoder.decode(body);
    } catch {
      done(clientError('тело запроса не в кодировке UTF-8'), undefined);
      return;
    }
    if (jsonTooDeep(text)) {
      done(clientError(`слишком глубокая вложенность JSON (больше ${MAX_JSON_DEPTH})`), undefined);
      return;
    }
    parseJson(req, text, done);
  });
}
