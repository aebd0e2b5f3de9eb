import { z } from 'zod';
import { MAX_RATE_CERTIFICATIONS } from './form-data.js';

/** One rate a package revision carries; frozen to a rate revision once the package revision is submitted. */
export const RateLinkSchema = z.object({
  rateId: z.uuid(),
  /** Null on a draft revision (it follows the rate); the rate revision submitted with it otherwise. */
  rateRevision: z.number().int().positive().nullable(),
});
export type RateLink = z.infer<typeof RateLinkSchema>;

export const RateLinkListSchema = z
  .array(RateLinkSchema)
  .max(MAX_RATE_CERTIFICATIONS)
  .refine((a) => new Set(a.map((l) => l.rateId)).size === a.length, 'must not link a rate twice')
  .default([]);
