/**
 * The mirror journal kept in S3, for a portal run as several instances (issue 15): any
 * instance's failures are seen by a repair run anywhere, and nothing is lost with a container.
 *
 * Each failure is its own object under `pending/`, so writers never contend and never see a
 * repair. A repair claims by moving what is pending under `claimed/<claim>/` (write, then
 * delete) and, as the file journal does, also takes what an earlier repair claimed and never
 * settled. Settling puts what could not be repaired back under `pending/` and deletes the
 * claimed objects. A failure journaled during a repair stays pending for the next one. Two
 * repairs at once may both take an entry: repairing is idempotent, losing one is not.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type MirrorFailure, type MirrorJournal, parseEntry } from './mirror-journal.js';

/** Objects read or moved at once: enough to be quick, few enough to be gentle on the bucket. */
const PARALLEL = 16;

export interface S3JournalOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix of the journal's objects, e.g. `ops/dual-journal/`. */
  prefix: string;
}

export function s3Journal({ client, bucket, prefix }: S3JournalOptions): MirrorJournal {
  const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  const pendingPrefix = `${base}pending/`;
  const claimedPrefix = `${base}claimed/`;

  // Time first, so listing order (by key) is journal order.
  const newKey = () => `${pendingPrefix}${String(Date.now()).padStart(15, '0')}-${randomUUID()}.json`;

  async function put(key: string, body: string) {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
  }

  async function keysUnder(keyPrefix: string, max?: number): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: keyPrefix,
          ContinuationToken: token,
          ...(max ? { MaxKeys: max } : {}),
        }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = max && keys.length >= max ? undefined : page.NextContinuationToken;
    } while (token);
    return keys.sort();
  }

  /** The text of each key (undefined where another repair removed it meanwhile). */
  async function read(keys: readonly string[]): Promise<(string | undefined)[]> {
    return inBatches(keys, async (key) => {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return await res.Body?.transformToString('utf8');
      } catch (e) {
        if (isMissing(e)) return undefined;
        throw e;
      }
    });
  }

  async function remove(keys: readonly string[]) {
    await inBatches(keys, (key) => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
  }

  /**
   * Moves one (small) object by reading and writing it — CopyObject is not what every
   * S3-compatible server does well. Nothing when it is gone: another repair took it first.
   */
  async function move(from: string, to: string): Promise<void> {
    const [text] = await read([from]);
    if (text === undefined) return;
    await put(to, text);
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: from }));
  }

  async function entriesUnder(keyPrefixes: readonly string[]) {
    const keys = (await Promise.all(keyPrefixes.map((p) => keysUnder(p)))).flat();
    const texts = await read(keys);
    const entries: MirrorFailure[] = [];
    const unreadable: { key: string; text: string }[] = [];
    keys.forEach((key, i) => {
      const text = texts[i];
      if (text === undefined) return;
      const entry = parseEntry(text);
      if (entry) entries.push(entry);
      else unreadable.push({ key, text });
    });
    return { keys, entries, unreadable };
  }

  return {
    async record(failure) {
      await put(newKey(), JSON.stringify(failure));
    },
    async pending() {
      return (await entriesUnder([claimedPrefix, pendingPrefix])).entries;
    },
    async hasPending() {
      for (const p of [pendingPrefix, claimedPrefix]) if ((await keysUnder(p, 1)).length > 0) return true;
      return false;
    },
    async claim() {
      const claimPrefix = `${claimedPrefix}${String(Date.now()).padStart(15, '0')}-${randomUUID().slice(0, 8)}/`;
      const pending = await keysUnder(pendingPrefix);
      await inBatches(pending, (key) => move(key, `${claimPrefix}${key.slice(pendingPrefix.length)}`));
      // Everything claimed, this claim's and what an earlier repair took and never settled.
      const { keys, entries, unreadable } = await entriesUnder([claimedPrefix]);
      return {
        entries,
        problems: unreadable.map(
          ({ key, text }) =>
            `an unreadable journal object was moved to ${base}unreadable/: ${key} (${text.slice(0, 80)})`,
        ),
        async settle(remaining) {
          for (const { key, text } of unreadable)
            await put(`${base}unreadable/${key.slice(claimedPrefix.length).replaceAll('/', '-')}`, text);
          await inBatches(remaining, (f) => put(newKey(), JSON.stringify(f)));
          await remove(keys);
        },
      };
    },
  };
}

async function inBatches<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += PARALLEL)
    results.push(...(await Promise.all(items.slice(i, i + PARALLEL).map(work))));
  return results;
}

function isMissing(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404;
}
