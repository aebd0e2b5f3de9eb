/**
 * Where release images live: one ECR repository per account and region, shared by its
 * environments, so the image val was tested with is the very one prod runs (same tag, same
 * digest). Tags are immutable: a tag names one build forever, and redeploying a tag is a rollback.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Repository, TagMutability } from 'aws-cdk-lib/aws-ecr';
import type { Construct } from 'constructs';
import { IMAGE_REPOSITORY } from './carepack-stack.js';

export class RegistryStack extends Stack {
  readonly repository: Repository;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.repository = new Repository(this, 'Images', {
      repositoryName: IMAGE_REPOSITORY,
      imageScanOnPush: true,
      imageTagMutability: TagMutability.IMMUTABLE,
      lifecycleRules: [{ description: 'keep the last 100 releases', maxImageCount: 100 }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new CfnOutput(this, 'RepositoryUri', { value: this.repository.repositoryUri });
  }
}
