import type { FastifyRequest } from 'fastify';

/** Per-request values for the layout that a module computes before the handler runs (e.g. the menu's counters). */
export const PAGE_EXTRAS = new WeakMap<FastifyRequest, Record<string, unknown>>();

/** What every page's layout needs: the user (for the menu), the CSRF token (for forms) and the menu's counters. */
export function pageContext(req: FastifyRequest, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const user = req.user;
  return {
    currentUser: user ? { id: user.id, role: user.role, fullName: user.fullName } : null,
    csrfToken: user?.csrfToken ?? '',
    menu: PAGE_EXTRAS.get(req) ?? {},
    ...extra,
  };
}
