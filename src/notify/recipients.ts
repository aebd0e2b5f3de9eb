import { z } from 'zod';

const emailSchema = z.email();

/** Same rule as the submit validation, so a contact the form accepted is one we can mail. */
export function isValidAddress(address: string): boolean {
  return emailSchema.safeParse(address).success;
}

/**
 * Trimmed, valid addresses, each once. Mailboxes are compared case-insensitively (in practice
 * they are), and the first spelling seen is kept so the header looks like what people typed.
 */
export function uniqueAddresses(addresses: Iterable<string | null | undefined>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of addresses) {
    const address = raw?.trim() ?? '';
    if (address === '' || !isValidAddress(address)) continue;
    const key = address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(address);
  }
  return out;
}
