import type { FastifyInstance } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The pages need no inline scripts and no third-party origins; styles allow inline attributes only. */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      objectSrc: ["'none'"],
      upgradeInsecureRequests: null,
    },
  },
  // nothing goes to other sites (tokens in links stay here), while this site's own form posts carry their real Origin:
  // with `no-referrer` browsers send `Origin: null`, which the cross-site check of public forms must refuse
  referrerPolicy: { policy: 'same-origin' },
};

/**
 * helmet's headers are the same for every response, so they are computed once at start-up and copied onto each
 * reply. @fastify/helmet rebuilt the helmet middleware on every request (~110 µs each, a tenth of the public
 * submission path's budget).
 */
export function computeSecurityHeaders(options: HelmetOptions = HELMET_OPTIONS): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
    getHeader(name: string) {
      return headers[name.toLowerCase()];
    },
  };
  let failed: unknown;
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    failed = err;
  });
  if (failed) throw failed instanceof Error ? failed : new Error(String(failed));
  return headers;
}

export function registerSecurityHeaders(fastify: FastifyInstance, options: HelmetOptions = HELMET_OPTIONS): void {
  const headers = computeSecurityHeaders(options);
  fastify.addHook('onRequest', (_req, reply, done) => {
    void reply.headers(headers);
    done();
  });
}

/**
 * Whatever is answered to a signed-in user (pages, API answers, report and document downloads) may hold personal
 * data: `Cache-Control: no-store`, so neither a shared proxy nor the browser's cache keeps it (for the next person at
 * a shared school computer, say). The user is the one the auth guard resolved; anonymous answers keep their caching.
 */
export function registerPrivateNoStore(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (req, reply, payload, done) => {
    if (req.user) void reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
