/**
 * How a store without row locks (DynamoDB, the dual store's primary) serialises changes of one
 * package: a change that lost the race for the version reads and plans again, with jittered
 * back-off, so parallel uploads to one draft all land. Bounded: after this many attempts the
 * caller gets VERSION_CONFLICT.
 */
export const CHANGE_ATTEMPTS = 60;

export const raceBackoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * 2 ** attempt)));
