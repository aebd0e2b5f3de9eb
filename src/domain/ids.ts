import { z } from 'zod';

const UUID = z.uuid();

/**
 * True for a uuid, the only kind of id packages and users have. A lookup by anything else finds
 * nothing on every backend (PostgreSQL would refuse to compare it with a uuid column).
 */
export const isUuid = (id: string): boolean => UUID.safeParse(id).success;
