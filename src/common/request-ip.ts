import type { FastifyRequest } from 'fastify';

/** The client address as Fastify resolved it (trustProxy decides whether X-Forwarded-For counts). */
export function requestIp(req: FastifyRequest): string {
  return req.ip || req.socket?.remoteAddress || 'unknown';
}
