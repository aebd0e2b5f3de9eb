import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FileStore } from '../../files/file-store.js';
import type { Store } from '../../store/store.js';

const Readiness = z.object({
  ok: z.boolean(),
  store: z.string(),
  checks: z.record(z.string(), z.enum(['ok', 'failing'])),
});

export const healthRoutes: FastifyPluginAsyncZod<{ store: Store; files?: FileStore }> = async (
  app,
  { store, files },
) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'The process is up',
        tags: ['ops'],
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    () => ({ ok: true as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'The datastore and the document store answer',
        tags: ['ops'],
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (req, reply) => {
      const probes: Record<string, () => Promise<unknown>> = { datastore: () => store.listStates() };
      if (files) probes.documents = () => files.ping();
      const checks: Record<string, 'ok' | 'failing'> = {};
      for (const [name, probe] of Object.entries(probes)) {
        try {
          await probe();
          checks[name] = 'ok';
        } catch (e) {
          req.log.warn({ err: e, check: name }, 'readiness check failing');
          checks[name] = 'failing';
        }
      }
      const ok = Object.values(checks).every((c) => c === 'ok');
      return reply.status(ok ? 200 : 503).send({ ok, store: store.backend, checks });
    },
  );
};
