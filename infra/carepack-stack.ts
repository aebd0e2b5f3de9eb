/**
 * One environment of Carepack: network, data (the DynamoDB table or Aurora PostgreSQL),
 * documents bucket, secrets, the API service with its clamd sidecar, and the migration step the
 * service waits for. Everything is sized by the environment's profile (settings.ts).
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { GatewayVpcEndpointAwsService, type ISecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Repository } from 'aws-cdk-lib/aws-ecr';
import { Cluster, ContainerImage, Secret as EcsSecret } from 'aws-cdk-lib/aws-ecs';
import { Effect, type IRole, PolicyStatement, User } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { CarepackDatabase } from './carepack-database.js';
import { CarepackDocuments } from './carepack-documents.js';
import { apiEnvironment, SECRET_VARIABLES } from './carepack-environment.js';
import { CarepackMigration } from './carepack-migration.js';
import { CarepackService } from './carepack-service.js';
import { CarepackTable } from './carepack-table.js';
import type { Settings } from './settings.js';

/** The registry stack's repository, unless `-c imageRepository` names another. */
export const IMAGE_REPOSITORY = 'carepack';

export interface CarepackStackProps extends StackProps {
  settings: Settings & { imageTag: string };
}

/** What the API (and the migration) do with the table: items and queries, nothing of its shape. */
const TABLE_DATA_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const INDEX_ACTIONS = ['dynamodb:Query', 'dynamodb:Scan'];
/** Reads of a few rate heads are a PartiQL SELECT naming each partition (DynamoTable.getBySortKey). */
const PARTIQL_SELECT = 'dynamodb:PartiQLSelect';

export class CarepackStack extends Stack {
  constructor(scope: Construct, id: string, props: CarepackStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const { profile } = settings;

    const vpc = new Vpc(this, 'Network', {
      ...(settings.availabilityZones ? { availabilityZones: settings.availabilityZones } : { maxAzs: 2 }),
      natGateways: profile.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'app', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'data', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      // S3 and DynamoDB traffic stays off the NAT gateways (and their per-GB charge).
      gatewayEndpoints: {
        s3: { service: GatewayVpcEndpointAwsService.S3 },
        dynamodb: { service: GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    const cluster = new Cluster(this, 'Cluster', { vpc });
    const logGroup = new LogGroup(this, 'Logs', {
      retention: profile.logRetentionDays,
      removalPolicy: profile.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    const table =
      settings.store === 'dynamodb'
        ? new CarepackTable(this, 'Data', {
            tableName: `carepack-${settings.env}`,
            protect: profile.protectData,
          })
        : undefined;
    const database =
      settings.store === 'postgres' ? new CarepackDatabase(this, 'Database', { vpc, profile }) : undefined;
    const documents = new CarepackDocuments(this, 'Documents');

    const image = ContainerImage.fromEcrRepository(
      Repository.fromRepositoryName(this, 'Images', settings.imageRepository ?? IMAGE_REPOSITORY),
      settings.imageTag,
    );
    const environment = apiEnvironment(settings, {
      ...(table ? { tableName: table.tableName } : {}),
      bucketName: documents.bucket.bucketName,
      region: this.region,
      ...(database ? { databaseUrl: database.url } : {}),
    });
    const databaseSecrets: Record<string, EcsSecret> = database?.cluster.secret
      ? {
          [SECRET_VARIABLES.databasePassword]: EcsSecret.fromSecretsManager(
            database.cluster.secret,
            'password',
          ),
        }
      : {};

    const migration = new CarepackMigration(this, 'Migration', {
      vpc,
      cluster,
      image,
      store: settings.store,
      environment,
      secrets: databaseSecrets,
      logGroup,
    });
    const api = new CarepackService(this, 'Api', {
      vpc,
      cluster,
      image,
      clamavImage: settings.clamavImage,
      environment,
      secrets: { ...this.appSecrets(settings), ...databaseSecrets },
      logGroup,
      profile,
      ...(settings.certificateArn
        ? { certificate: Certificate.fromCertificateArn(this, 'Certificate', settings.certificateArn) }
        : {}),
    });
    // The new version takes traffic only after its migration succeeded. The ECS service resource
    // alone waits: its security group must exist first, for the database to admit it.
    api.service.service.node.defaultChild!.node.addDependency(migration.run);

    for (const role of [api.taskDefinition.taskRole, migration.taskDefinition.taskRole]) {
      if (table) grantTable(role, table);
    }
    documents.grantApi(api.taskDefinition.taskRole);
    if (database) {
      database.allowFrom(api.service.service);
      database.allowFrom(migration.securityGroup as ISecurityGroup);
      migration.run.node.addDependency(database);
    }
    if (table) migration.run.node.addDependency(table);
    if (settings.sesIdentity) this.smtpUser(settings.sesIdentity);

    new CfnOutput(this, 'Url', {
      value: settings.domainName
        ? `${settings.certificateArn ? 'https' : 'http'}://${settings.domainName}`
        : `http://${api.service.loadBalancer.loadBalancerDnsName}`,
      description: 'Where the portal answers (point the domain at the load balancer)',
    });
    new CfnOutput(this, 'DocumentsBucket', { value: documents.bucket.bucketName });
    if (table) new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'LogGroup', { value: logGroup.logGroupName });
  }

  /** The session secret (generated here) and the ones the operator made (named in context). */
  private appSecrets(settings: Settings): Record<string, EcsSecret> {
    const session = new Secret(this, 'SessionSecret', {
      description: 'Signs Carepack session cookies (CAREPACK_SESSION_SECRET)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const named = (id: string, name: string | undefined) =>
      name ? EcsSecret.fromSecretsManager(Secret.fromSecretNameV2(this, id, name)) : undefined;
    const smtp = named('SmtpSecret', settings.smtpSecretName);
    const oidcClient = named('OidcClientSecret', settings.oidcClientSecretName);
    return {
      [SECRET_VARIABLES.session]: EcsSecret.fromSecretsManager(session),
      ...(smtp ? { [SECRET_VARIABLES.smtp]: smtp } : {}),
      ...(oidcClient ? { [SECRET_VARIABLES.oidcClient]: oidcClient } : {}),
    };
  }

  /**
   * SES's SMTP interface signs in with an IAM user's key (converted to an SMTP password, see the
   * README): this user may send as the one identity, nothing else. Its URL goes in the SMTP secret.
   */
  private smtpUser(identity: string): void {
    const user = new User(this, 'SmtpUser');
    user.addToPolicy(
      new PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity })],
      }),
    );
    new CfnOutput(this, 'SmtpUserName', {
      value: user.userName,
      description: 'Make its access key, convert it to an SMTP password, store smtp://… in the SMTP secret',
    });
  }
}

function grantTable(role: IRole, table: CarepackTable): void {
  role.addToPrincipalPolicy(
    new PolicyStatement({ actions: TABLE_DATA_ACTIONS, resources: [table.tableArn] }),
  );
  role.addToPrincipalPolicy(new PolicyStatement({ actions: INDEX_ACTIONS, resources: [table.indexesArn] }));
  // A SELECT that names no partition would scan the table: IAM refuses it (AWS's own recipe).
  role.addToPrincipalPolicy(new PolicyStatement({ actions: [PARTIQL_SELECT], resources: [table.tableArn] }));
  role.addToPrincipalPolicy(
    new PolicyStatement({
      effect: Effect.DENY,
      actions: [PARTIQL_SELECT],
      resources: [table.tableArn],
      conditions: { Bool: { 'dynamodb:FullTableScan': 'true' } },
    }),
  );
}
