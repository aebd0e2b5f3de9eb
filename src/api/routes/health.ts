import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FileStore } from '../../files/file-store.js';
import type { Store } from '../../store/store.js';

const Readiness = z.object({
  ok: z.boolean(),
  store: z.string(),
  /** `degraded`: serving, but not everything is as it should be (dual-write: the secondary is behind). */
  checks: z.record(z.string(), z.enum(['ok', 'failing', 'degraded'])),
  /** Present when a check is degraded: why, in words. */
  degraded: z.array(z.string()).optional(),
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
        description:
          'A degraded check (dual-write mode with the secondary unreachable or behind) keeps the answer 200: ' +
          'the portal serves on the primary and journals the mirror writes.',
        tags: ['ops'],
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (req, reply) => {
      const probes: Record<string, () => Promise<unknown>> = { datastore: () => store.listStates() };
      if (files) probes.documents = () => files.ping();
      const checks: Record<string, 'ok' | 'failing' | 'degraded'> = {};
      for (const [name, probe] of Object.entries(probes)) {
        try {
          await probe();
          checks[name] = 'ok';
        } catch (e) {
          req.log.warn({ err: e, check: name }, 'readiness check failing');
          checks[name] = 'failing';
        }
      }
      const degraded = await degradation(store);
      if (degraded) checks.mirror = degraded.length > 0 ? 'degraded' : 'ok';
      const ok = Object.values(checks).every((c) => c !== 'failing');
      return reply
        .status(ok ? 200 : 503)
        .send({ ok, store: store.backend, checks, ...(degraded?.length ? { degraded } : {}) });
    },
  );
};

/** Undefined for stores that cannot be degraded; a failing report counts as degraded. */
async function degradation(store: Store): Promise<string[] | undefined> {
  if (!store.degradation) return undefined;
  try {
    return await store.degradation();
  } catch (e) {
    return [`the store could not report its state: ${(e as Error).message}`];
  }
}
