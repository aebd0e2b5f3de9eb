/**
 * The embedded S3: s3rver (a fake S3 written in JavaScript) run inside this process on
 * 127.0.0.1, keeping objects as plain files under a directory. Nothing to install, no Docker.
 * What s3rver gets wrong about S3 is patched in s3rver-patches.ts; this file only starts and stops it.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import S3rver from 's3rver';
import { applyS3rverPatches } from './s3rver-patches.js';

export interface EmbeddedS3 {
  /** `http://127.0.0.1:<port>`, for createS3Client({ endpoint }). */
  endpoint: string;
  /** Where the objects live on disk. */
  directory: string;
  stop(): Promise<void>;
}

export interface EmbeddedS3Options {
  /** Directory for the objects; omit to use a temporary one removed on stop (tests, in-memory mode). */
  dataDir?: string | undefined;
  /** Buckets to create if missing. */
  buckets?: string[];
  /** 0 (the default) picks a free port. */
  port?: number | undefined;
}

export async function startEmbeddedS3(options: EmbeddedS3Options = {}): Promise<EmbeddedS3> {
  const temporary = !options.dataDir;
  const directory = options.dataDir ? resolve(options.dataDir) : mkdtempSync(join(tmpdir(), 'carepack-s3-'));
  mkdirSync(directory, { recursive: true });

  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory,
    // Path-style only: a host name is never taken for a bucket name.
    vhostBuckets: false,
    // s3rver's putBucket is a mkdir -p, so this also "creates if missing" across restarts.
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  // The S3 behaviours s3rver lacks, which Carepack relies on.
  applyS3rverPatches(server);

  const removeTemporary = () => {
    if (temporary) rmSync(directory, { recursive: true, force: true });
  };
  process.once('exit', removeTemporary);

  let port: number;
  try {
    ({ port } = await server.run());
  } catch (e) {
    process.off('exit', removeTemporary);
    removeTemporary();
    throw new Error(`could not start the embedded S3 (s3rver): ${(e as Error).message}`);
  }

  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    stop: () => {
      stopped ??= (async () => {
        const http = server.httpServer;
        const closed = server.close();
        // Keep-alive sockets of S3 clients would hold close() open; idle ones go now, busy ones soon.
        http?.closeIdleConnections();
        const force = setTimeout(() => http?.closeAllConnections(), 2000);
        try {
          await closed;
        } finally {
          clearTimeout(force);
          process.off('exit', removeTemporary);
          removeTemporary();
        }
      })();
      return stopped;
    },
  };
}
