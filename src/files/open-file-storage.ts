/**
 * The one place that turns configuration into a FileStore and a scanner setting, mirroring
 * create-store.ts: embedded s3rver by default, an S3-compatible endpoint, or real S3.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { type ClamdAddress, createClamAvScanner } from './clamav-scanner.js';
import { createS3FileStore, type FileStore } from './file-store.js';
import { createS3Client, ensureBucket } from './s3-client.js';
import { startEmbeddedS3 } from './s3-embedded.js';
import { notScanning, type ScannerSetting } from './scanner.js';

export interface FileStorageConfig {
  /** `embedded`: start s3rver in-process; `endpoint`: an S3-compatible server; `aws`: real S3. */
  mode: 'embedded' | 'endpoint' | 'aws';
  /** For `endpoint`. */
  endpoint?: string | undefined;
  region: string;
  bucket: string;
  /** Default: true for `embedded`/`endpoint`, false for `aws`. */
  forcePathStyle?: boolean | undefined;
  /** For `embedded`: where the objects live; undefined keeps them in a temporary directory. */
  dataDir?: string | undefined;
  /** Create the bucket at start-up if missing (off where buckets are provisioned elsewhere). */
  createBucket: boolean;
  /** Upload size limit (the domain's default: 100 MB). */
  maxUploadBytes: number;
  /** Lifetime of download links. */
  downloadLinkSeconds: number;
  /** Key prefix infected files are moved under. */
  quarantinePrefix: string;
}

export type ScannerConfig =
  | { mode: 'none' }
  | { mode: 'clamd'; address: ClamdAddress; timeoutMs?: number | undefined };

export interface FileStorage {
  files: FileStore;
  client: S3Client;
  /** The embedded server's endpoint, when one was started. */
  embeddedEndpoint?: string;
  close(): Promise<void>;
}

export async function openFileStorage(config: FileStorageConfig): Promise<FileStorage> {
  const embedded =
    config.mode === 'embedded'
      ? await startEmbeddedS3({
          dataDir: config.dataDir,
          buckets: config.createBucket ? [config.bucket] : [],
        })
      : undefined;
  const client = createS3Client({
    endpoint: embedded?.endpoint ?? (config.mode === 'endpoint' ? config.endpoint : undefined),
    region: config.region,
    forcePathStyle: config.forcePathStyle,
  });
  try {
    if (config.createBucket) await ensureBucket(client, config.bucket);
  } catch (e) {
    client.destroy();
    await embedded?.stop();
    throw e;
  }
  return {
    files: createS3FileStore({ client, bucket: config.bucket }),
    client,
    ...(embedded ? { embeddedEndpoint: embedded.endpoint } : {}),
    async close() {
      client.destroy();
      await embedded?.stop();
    },
  };
}

export function createScanner(config: ScannerConfig): ScannerSetting {
  if (config.mode === 'none') return notScanning;
  return createClamAvScanner({ ...config.address, timeoutMs: config.timeoutMs });
}
