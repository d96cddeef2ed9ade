import type { FastifyRequest } from 'fastify';

/** Where a browser says a request came from. */
export type RequestSite = 'same' | 'cross' | 'unknown';

/**
 * Reads the Fetch Metadata and Origin headers browsers add to unsafe requests. "cross": another site, "same": this
 * site, "unknown": the request says nothing (API clients, command-line tools, very old browsers).
 * `Sec-Fetch-Site` decides when present (every current browser sends it, and a page cannot forge or suppress it):
 * `cross-site` is refused, `same-origin` and `none` (typed or bookmarked) pass, `same-site` (a sibling subdomain) must
 * also show an Origin of this site. Without it the Origin decides: this site as APP_URL names it or as the Host header
 * the request was sent to; `null` (a sandboxed frame, a page with `Referrer-Policy: no-referrer`) or garbage is
 * cross. `referer`: fall back on the Referer header when Origin is absent.
 */
export function requestSite(req: FastifyRequest, appUrl: string, options: { referer?: boolean } = {}): RequestSite {
  const fetchSite = req.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site') return 'cross';
  if (fetchSite === 'same-origin' || fetchSite === 'none') return 'same';
  const claimed = req.headers.origin ?? (options.referer ? req.headers.referer : undefined);
  if (typeof claimed === 'string') return isOwnOrigin(claimed, req, appUrl) ? 'same' : 'cross';
  return fetchSite === 'same-site' ? 'cross' : 'unknown';
}

function isOwnOrigin(claimed: string, req: FastifyRequest, appUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(claimed);
  } catch {
    return false; // "null" (a sandboxed frame, a redirect chain) or garbage
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  try {
    if (url.origin === new URL(appUrl).origin) return true;
  } catch {
    // APP_URL is checked at start-up; should it not parse, the Host comparison still applies
  }
  return typeof req.headers.host === 'string' && url.host === req.headers.host.toLowerCase();
}
