/**
 * The S3 client Carepack uses for documents, against real S3 or an S3-compatible endpoint
 * (the embedded s3rver, MinIO, ...), and the idempotent bucket set-up.
 */
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  HeadBucketCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';

/** s3rver knows exactly one account; its signature checks accept these keys. */
export const EMBEDDED_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3ClientOptions {
  /** An S3-compatible endpoint; omit for real AWS S3 with the default credential chain. */
  endpoint?: string | undefined;
  region: string;
  /** Path-style URLs (`http://host/bucket/key`); s3rver and most local servers need them. */
  forcePathStyle?: boolean | undefined;
  /** With an endpoint: credentials to sign with; the embedded server's dummy keys by default. */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

export function createS3Client(options: S3ClientOptions): S3Client {
  return new S3Client({
    region: options.region,
    // The SDK's default (WHEN_SUPPORTED) sends streamed bodies aws-chunked with a checksum trailer;
    // s3rver does not decode that framing and would store it inside the object. Carepack computes
    // its own SHA-256 anyway, so checksums are sent only where an operation requires one.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          forcePathStyle: options.forcePathStyle ?? true,
          credentials: options.credentials ?? EMBEDDED_S3_CREDENTIALS,
        }
      : { forcePathStyle: options.forcePathStyle ?? false }),
  });
}

export function isNotFound(e: unknown): boolean {
  if (!(e instanceof S3ServiceException)) return false;
  return e.$metadata?.httpStatusCode === 404 || ['NotFound', 'NoSuchKey', 'NoSuchBucket'].includes(e.name);
}

/** Creates the bucket unless it exists (HeadBucket, then CreateBucket); safe to call on every start. */
export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const region = await client.config.region();
  try {
    await client.send(
      new CreateBucketCommand({
        Bucket: bucket,
        // us-east-1 is the one region S3 refuses an explicit location constraint for.
        ...(region && region !== 'us-east-1'
          ? { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }
          : {}),
      }),
    );
  } catch (e) {
    // Another process created it between our HeadBucket and CreateBucket.
    if (e instanceof S3ServiceException && e.name === 'BucketAlreadyOwnedByYou') return;
    throw e;
  }
}
