/**
 * Download-link routes (a package's document, a rate's document): the same query, the same
 * answers, the same handling of `?redirect=1`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

export const DownloadLinkQuery = z.object({ redirect: z.enum(['0', '1']).optional() });

/** The two answers a download-link route gives besides its problems. */
export const DOWNLOAD_LINK_RESPONSES = {
  200: z.object({ url: z.string(), name: z.string(), expiresAt: z.string() }),
  302: z.null(),
};

/**
 * A link as the client can follow it: a path on the API (downloads served by the API) is made
 * absolute with the public URL, or else with the origin the client used to reach us — never an
 * address only the server can reach. Absolute links (presigned S3 URLs) stay as they are.
 */
export function absoluteLink(link: string, req: FastifyRequest, publicUrl: string | undefined): string {
  try {
    return new URL(link, publicUrl ?? `${req.protocol}://${req.host}`).href;
  } catch {
    return link; // a Host header no URL can be built from: the path still works in a browser
  }
}

/** The link as JSON, or a 302 to it when the query asks for `redirect=1`. */
export function answerWithLink<L extends { url: string }>(
  link: L,
  req: FastifyRequest<{ Querystring: z.infer<typeof DownloadLinkQuery> }>,
  reply: FastifyReply,
  publicUrl: string | undefined,
) {
  const url = absoluteLink(link.url, req, publicUrl);
  if (req.query.redirect === '1') return reply.redirect(url, 302);
  return { ...link, url };
}
