import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ReferenceData } from '../../service/reference-data.js';
import { ApiError, ProblemSchema } from '../problem.js';
import { StateParams, StateSchema } from '../schemas.js';

export const stateRoutes: FastifyPluginAsyncZod<{ reference: ReferenceData }> = async (
  app,
  { reference },
) => {
  app.get(
    '/states',
    {
      schema: {
        summary: 'Every state with its managed-care programs',
        tags: ['reference'],
        response: { 200: z.array(StateSchema), 401: ProblemSchema },
      },
    },
    () => reference.listStates(),
  );

  app.get(
    '/states/:code',
    {
      schema: {
        summary: 'One state with its programs',
        tags: ['reference'],
        params: StateParams,
        response: { 200: StateSchema, 401: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (req) => {
      const state = await reference.state(req.params.code);
      if (!state) throw new ApiError('NOT_FOUND', `state ${req.params.code} was not found`);
      return state;
    },
  );
};
