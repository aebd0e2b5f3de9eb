/** The document store the configuration asks for: the embedded S3, an S3-compatible endpoint, or AWS S3. */
import type { FilesConfig } from '../config.js';
import { createClamAvScanner } from './clamav-scanner.js';
import { createS3FileStore, type FileStore } from './file-store.js';
import { createS3Client, ensureBucket } from './s3-client.js';
import { startEmbeddedS3 } from './s3-embedded.js';
import { notScanning, type ScannerSetting } from './scanner.js';

export interface OpenedFiles {
  files: FileStore;
  scanner: ScannerSetting;
  /**
   * `api` for the embedded S3: it listens on 127.0.0.1 of this machine, so its own links would
   * reach no other browser; the API serves the downloads instead (see download-links.ts).
   */
  downloads: 'presigned' | 'api';
  description: string;
  close(): Promise<void>;
}

export async function openFiles(config: FilesConfig): Promise<OpenedFiles> {
  const embedded =
    config.mode === 'embedded'
      ? await startEmbeddedS3({ dataDir: config.dataDir, buckets: [config.bucket], port: config.port })
      : undefined;
  const client = createS3Client({
    endpoint: embedded?.endpoint ?? config.endpoint,
    region: config.region,
    ...(!embedded && config.credentials ? { credentials: config.credentials } : {}),
  });
  try {
    await ensureBucket(client, config.bucket);
  } catch (e) {
    client.destroy();
    await embedded?.stop();
    throw e;
  }
  const scanner = config.clamav ? createClamAvScanner(config.clamav) : notScanning;
  const where = embedded
    ? `embedded S3 at ${embedded.endpoint} (objects in ${embedded.directory}; downloads served by the API)`
    : config.mode === 'aws'
      ? `AWS S3 in ${config.region}`
      : `S3 at ${config.endpoint}`;
  return {
    files: createS3FileStore({ client, bucket: config.bucket }),
    scanner,
    downloads: embedded ? 'api' : 'presigned',
    description: `${where}, bucket ${config.bucket}; virus scanning: ${config.clamav ? 'ClamAV' : 'not configured (documents are "not scanned")'}`,
    async close() {
      client.destroy();
      await embedded?.stop();
    },
  };
}
