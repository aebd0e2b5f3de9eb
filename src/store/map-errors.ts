/**
 * A backend's native failures mapped into the shared vocabulary at its boundary: each method of
 * `target` rethrows what `translate` makes of an error (or the error itself when it says nothing).
 */
export function mapErrors<T extends object>(target: T, translate: (e: unknown) => Error | undefined): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    if (typeof value !== 'function') {
      out[name] = value;
      continue;
    }
    out[name] = async (...args: unknown[]) => {
      try {
        return await value(...args);
      } catch (e) {
        throw translate(e) ?? e;
      }
    };
  }
  return out as T;
}

/** Node's own words for a server that cannot be reached. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);

export const isUnreachable = (e: unknown): boolean => {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && UNREACHABLE.has(code);
};
