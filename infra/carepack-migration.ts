/**
 * The release's migration step: a one-off Fargate task running the image's own CLI
 * (`db migrate` for PostgreSQL, `dynamo create-tables` — which on an existing table only runs the
 * data steps — for DynamoDB), started by a custom resource whose Lambda waits for it to stop.
 * The resource changes with every task definition revision (a new image tag, new settings), so it
 * runs on every release; the API service depends on it, so a failed migration fails the deploy and
 * CloudFormation rolls back before the new version takes traffic. Why not a pipeline step: the
 * ordering then lives in every pipeline; here it is in the stack, and `cdk deploy` alone is safe.
 */
import { join } from 'node:path';
import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import { type ISecurityGroup, type IVpc, SecurityGroup, SubnetType } from 'aws-cdk-lib/aws-ec2';
import {
  type Cluster,
  type ContainerImage,
  FargateTaskDefinition,
  LogDrivers,
  type Secret,
} from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/** How the image runs its CLI: the compiled one (dist/server/cli/main.js), from the image's working directory — bin/carepack.js needs tsx, a development tool the image leaves out. */
export const CLI_ENTRY_POINT = ['node', 'dist/server/cli/main.js'];
export const MIGRATE_COMMANDS = {
  postgres: ['db', 'migrate'],
  dynamodb: ['dynamo', 'create-tables'],
} as const;
export const MIGRATION_CONTAINER = 'migrate';

export interface CarepackMigrationProps {
  vpc: IVpc;
  cluster: Cluster;
  image: ContainerImage;
  store: keyof typeof MIGRATE_COMMANDS;
  environment: Record<string, string>;
  secrets: Record<string, Secret>;
  logGroup: ILogGroup;
}

export class CarepackMigration extends Construct {
  readonly taskDefinition: FargateTaskDefinition;
  readonly securityGroup: ISecurityGroup;
  /** The migration as a resource: whatever must wait for it depends on this. */
  readonly run: CustomResource;

  constructor(scope: Construct, id: string, props: CarepackMigrationProps) {
    super(scope, id);
    this.taskDefinition = new FargateTaskDefinition(this, 'Task', { cpu: 512, memoryLimitMiB: 1024 });
    this.taskDefinition.addContainer(MIGRATION_CONTAINER, {
      image: props.image,
      entryPoint: CLI_ENTRY_POINT,
      command: [...MIGRATE_COMMANDS[props.store]],
      environment: props.environment,
      secrets: props.secrets,
      logging: LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: 'migrate' }),
    });
    this.securityGroup = new SecurityGroup(this, 'Security', {
      vpc: props.vpc,
      description: 'Carepack migration task',
    });

    const onEvent = this.handler('OnEvent', 'index.onEvent');
    const isComplete = this.handler('IsComplete', 'index.isComplete');
    const subnets = props.vpc.selectSubnets({ subnetType: SubnetType.PRIVATE_WITH_EGRESS }).subnetIds;
    onEvent.addToRolePolicy(
      new PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: [this.taskDefinition.taskDefinitionArn],
        conditions: { ArnEquals: { 'ecs:cluster': props.cluster.clusterArn } },
      }),
    );
    onEvent.addToRolePolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.taskDefinition.taskRole.roleArn, this.taskDefinition.obtainExecutionRole().roleArn],
      }),
    );
    onEvent.addToRolePolicy(
      new PolicyStatement({
        actions: ['cloudformation:DescribeStacks'],
        resources: [Stack.of(this).stackId],
      }),
    );
    isComplete.addToRolePolicy(
      new PolicyStatement({
        actions: ['ecs:DescribeTasks'],
        // Task ARNs are not known before they run: any task of this cluster.
        resources: [
          Stack.of(this).formatArn({
            service: 'ecs',
            resource: 'task',
            resourceName: `${props.cluster.clusterName}/*`,
          }),
        ],
      }),
    );

    const provider = new Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: Duration.seconds(15),
      totalTimeout: Duration.hours(2),
    });
    this.run = new CustomResource(this, 'Run', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::CarepackMigration',
      properties: {
        Cluster: props.cluster.clusterArn,
        TaskDefinition: this.taskDefinition.taskDefinitionArn,
        Container: MIGRATION_CONTAINER,
        Subnets: subnets,
        SecurityGroups: [this.securityGroup.securityGroupId],
        LogGroup: props.logGroup.logGroupName,
      },
    });
    // The task needs its network (NAT routes to pull the image) before it can run.
    this.run.node.addDependency(props.vpc);
  }

  private handler(id: string, handler: string): LambdaFunction {
    return new LambdaFunction(this, id, {
      runtime: Runtime.NODEJS_22_X,
      handler,
      code: Code.fromAsset(join(import.meta.dirname, 'migration-runner')),
      timeout: Duration.minutes(1),
      description: `Carepack migration step (${handler})`,
    });
  }
}
