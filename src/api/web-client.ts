/**
 * Serves the built web client (dist/web) next to the API: files by name, and index.html for
 * any other page address (/packages/…), since the client routes in the browser. API, docs
 * and health addresses never fall through to the client.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const NOT_CLIENT = /^\/(api|docs|openapi\.json|healthz|readyz)(\/|$|\?)/;

/**
 * True when the request asks for a page: a page address (no file extension, not the API's) from
 * a client that takes HTML: a browser, or curl accepting anything. A missing asset stays a 404.
 */
export function wantsClientPage(req: FastifyRequest, root: string | undefined): boolean {
  if (!root || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  if (NOT_CLIENT.test(req.url)) return false;
  const path = req.url.split('?')[0]!;
  if (path.slice(path.lastIndexOf('/') + 1).includes('.')) return false;
  const accept = req.headers.accept ?? '*/*';
  return accept.includes('text/html') || accept.includes('*/*');
}

export async function registerWebClient(app: FastifyInstance, root: string) {
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile))
    throw new Error(`the web client is not built: ${indexFile} is missing (npm run build)`);
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    // Hashed asset names never change content; index.html must always be fresh.
    setHeaders: (reply, path) => {
      reply.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const index = readFileSync(indexFile);
  return (reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index);
}
