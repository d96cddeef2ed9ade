import type { FastifyRequest } from 'fastify';

/** What every page's layout needs: the user (for the menu) and the CSRF token (for forms). */
export function pageContext(req: FastifyRequest, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const user = req.user;
  return {
    currentUser: user ? { id: user.id, role: user.role, fullName: user.fullName } : null,
    csrfToken: user?.csrfToken ?? '',
    ...extra,
  };
}
