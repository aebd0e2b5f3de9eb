import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Store } from '../../store/store.js';

export const healthRoutes: FastifyPluginAsyncZod<{ store: Store }> = async (app, { store }) => {
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
        summary: 'The datastore answers',
        tags: ['ops'],
        response: {
          200: z.object({ ok: z.boolean(), store: z.string() }),
          503: z.object({ ok: z.boolean(), store: z.string() }),
        },
      },
    },
    async (_req, reply) => {
      try {
        await store.listStates();
        return { ok: true, store: store.backend };
      } catch {
        return reply.status(503).send({ ok: false, store: store.backend });
      }
    },
  );
};
