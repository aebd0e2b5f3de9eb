/**
 * The documents bucket: versioned (an overwrite or a delete is never the end of a document),
 * encrypted, TLS only, never public, incomplete multipart uploads cleaned up. Infected files are
 * moved under QUARANTINE_PREFIX (src/service/file-intake.ts); the bucket policy refuses to hand
 * them to the API's role, so not even a presigned link of the API can serve one.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Effect, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { QUARANTINE_PREFIX } from '../src/service/file-intake.js';

export class CarepackDocuments extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Versions replaced or deleted stay recoverable for a quarter, then go.
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(90) },
      ],
      // Documents are records: a deleted stack leaves them, in every environment.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * What the API does with documents (src/files/file-store.ts): stream in and out, copy into
   * quarantine, delete, HeadObject, and HeadBucket (ListBucket) for readiness. Never reads quarantine.
   */
  grantApi(role: IRole): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'QuarantineUnreadableByTheApi',
        effect: Effect.DENY,
        principals: [role],
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [this.bucket.arnForObjects(`${QUARANTINE_PREFIX}*`)],
      }),
    );
  }
}
