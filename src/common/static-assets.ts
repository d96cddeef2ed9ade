import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { projectRoot } from './project-root';
import { accepts, COMPRESSIBLE_TYPES } from './compression';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** One file of public/ held in memory with its content hash and, for text, brotli (quality 11) and gzip copies made once. */
interface Asset {
  /** `/static/questionnaire.3f9a1c0b2d.js` */
  url: string;
  type: string;
  etag: string;
  identity: Buffer;
  br: Buffer | null;
  gzip: Buffer | null;
}

export const IMMUTABLE = 'public, max-age=31536000, immutable';

let manifest: Map<string, Asset> | null = null;

/** public/ read once (the files are a few KB and change only with a deploy): name → asset. */
export function staticAssets(root = join(projectRoot(), 'public')): ReadonlyMap<string, Asset> {
  if (manifest) return manifest;
  const out = new Map<string, Asset>();
  for (const file of walk(root)) {
    const name = relative(root, file).split(sep).join('/');
    const identity = readFileSync(file);
    const hash = createHash('sha256').update(identity).digest('hex').slice(0, 12);
    const ext = extname(name);
    const type = TYPES[ext] ?? 'application/octet-stream';
    const text = COMPRESSIBLE_TYPES.test(type) && identity.length >= 256;
    out.set(name, {
      url: `/static/${name.slice(0, name.length - ext.length)}.${hash}${ext}`,
      type,
      etag: `"${hash}"`,
      identity,
      br: text ? brotliCompressSync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }) : null,
      gzip: text ? gzipSync(identity, { level: 9 }) : null,
    });
  }
  manifest = out;
  return out;
}

/**
 * The URL of a file of public/ with its content hash (`asset 'questionnaire.js'` in templates). Accepts the bare name or
 * `/static/<name>`; a name not in public/ is returned as `/static/<name>` (served, if at all, with the short cache).
 */
export function assetUrl(name: string): string {
  const bare = name.startsWith('/static/') ? name.slice('/static/'.length) : name;
  return staticAssets().get(bare)?.url ?? `/static/${bare}`;
}

/**
 * Hashed names get a route each, answered from memory with a year-long immutable cache: a new deploy changes the name,
 * so a cached copy is never stale. Text files go out precompressed (brotli 11 / gzip 9), so the compression hook
 * leaves them alone. The unhashed names stay served by @fastify/static with a short cache.
 */
export function registerHashedAssets(fastify: FastifyInstance): void {
  for (const asset of staticAssets().values()) {
    fastify.get(asset.url, (req: FastifyRequest, reply: FastifyReply) => {
      void reply.header('cache-control', IMMUTABLE).header('etag', asset.etag).type(asset.type);
      if (asset.br || asset.gzip) void reply.header('vary', 'accept-encoding');
      if (req.headers['if-none-match'] === asset.etag) return reply.status(304).send();
      const accepted = String(req.headers['accept-encoding'] ?? '');
      if (asset.br && accepts(accepted, 'br')) return reply.header('content-encoding', 'br').send(asset.br);
      if (asset.gzip && accepts(accepted, 'gzip')) return reply.header('content-encoding', 'gzip').send(asset.gzip);
      return reply.send(asset.identity);
    });
  }
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out.sort();
}
