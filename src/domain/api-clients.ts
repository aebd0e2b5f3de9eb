import { z } from 'zod';
import { storableString } from './text.js';

/**
 * API clients (issue 14): machines that sign in with the OAuth 2.0 client-credentials grant and
 * act as one CMS user, within their scopes. The secret is never kept: only its hash, checked in
 * src/service/api-client-service.ts. `secretGeneration` rises with each rotation; an access token
 * names the generation it was issued under, so a rotation (like a revocation) ends every token.
 */
export const API_SCOPES = ['packages:read', 'review:write'] as const;
export const ApiScopeSchema = z.enum(API_SCOPES);
export type ApiScope = z.infer<typeof ApiScopeSchema>;

export const ApiClientSchema = z.object({
  id: z.uuid(),
  name: storableString().min(1).max(100),
  scopes: z.array(ApiScopeSchema).min(1).max(API_SCOPES.length),
  /** The CMS user the client acts as: its rights, and the name on every change it makes. */
  userId: z.uuid(),
  /** `sha256:` and the hex SHA-256 of the secret (a 256-bit random string, so a fast hash suffices). */
  secretHash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  secretGeneration: z.number().int().nonnegative(),
  createdAt: z.iso.datetime(),
  /** The administrator who created it. */
  createdBy: z.uuid(),
  /** When it last obtained a token or called the API; updated at most once a minute. */
  lastUsedAt: z.iso.datetime().optional(),
  rotatedAt: z.iso.datetime().optional(),
  revoked: z.boolean(),
  revokedAt: z.iso.datetime().optional(),
});
export type ApiClient = z.infer<typeof ApiClientSchema>;
