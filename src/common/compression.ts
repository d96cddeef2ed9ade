import fastifyCompress from '@fastify/compress';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { constants } from 'node:zlib';

/**
 * What is worth compressing: HTML, CSS, JavaScript, JSON, CSV, SVG, XML. Not octet-stream, archives, PDFs or office
 * files (already compressed or binary). Tested against our own Content-Type headers only, never user input.
 */
export const COMPRESSIBLE_TYPES = /^(?:text\/(?!event-stream)|application\/(?:[\w.-]+\+)?(?:json|javascript|xml)(?:;|$)|image\/svg\+xml)/;

/**
 * Brotli (quality 4: a fifth of the HTML for ~0.2 ms of CPU; 11 costs tens of ms) or gzip for every text answer of at
 * least 1 KB, chosen by Accept-Encoding. Must be registered before any route (it hooks onRoute). COMPRESSION=off leaves
 * it to a reverse proxy. Request bodies are never decompressed (the body limits stay limits on what arrives).
 */
export async function registerCompression(app: NestFastifyApplication, setting: 'on' | 'off'): Promise<void> {
  if (setting === 'off') return;
  await app.register(
    fastifyCompress as never,
    {
      global: true,
      globalDecompression: false,
      encodings: ['br', 'gzip'],
      threshold: 1024,
      customTypes: COMPRESSIBLE_TYPES,
      brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
      zlibOptions: { level: 6 },
    } as never,
  );
}

/** Whether an Accept-Encoding header admits a coding (q=0 refuses it). Split by hand: no regex on the header. */
export function accepts(header: string, coding: string): boolean {
  if (header.length > 1000) return false;
  for (const part of header.split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (name !== coding && name !== '*') continue;
    const q = params.find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  }
  return false;
}
