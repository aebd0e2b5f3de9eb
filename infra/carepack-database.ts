/**
 * Aurora Serverless v2 PostgreSQL, for CAREPACK_STORE=postgres: encrypted, in isolated subnets,
 * its generated password in Secrets Manager, backups kept per environment. The API reaches it
 * with DATABASE_URL naming no password and PGPASSWORD from the secret (node-postgres reads it),
 * so the password is never in the task definition.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type IConnectable, type IVpc, SubnetType } from 'aws-cdk-lib/aws-ec2';
import {
  AuroraPostgresEngineVersion,
  ClusterInstance,
  Credentials,
  DatabaseCluster,
  DatabaseClusterEngine,
} from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import type { EnvironmentProfile } from './settings.js';

export const DATABASE_USER = 'carepack';
export const DATABASE_NAME = 'carepack';

export class CarepackDatabase extends Construct {
  readonly cluster: DatabaseCluster;

  constructor(scope: Construct, id: string, props: { vpc: IVpc; profile: EnvironmentProfile }) {
    super(scope, id);
    const { profile } = props;
    this.cluster = new DatabaseCluster(this, 'Cluster', {
      engine: DatabaseClusterEngine.auroraPostgres({ version: AuroraPostgresEngineVersion.VER_16_9 }),
      credentials: Credentials.fromGeneratedSecret(DATABASE_USER),
      defaultDatabaseName: DATABASE_NAME,
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
      writer: ClusterInstance.serverlessV2('Writer'),
      readers: Array.from({ length: profile.databaseReaders }, (_, i) =>
        ClusterInstance.serverlessV2(`Reader${i + 1}`, { scaleWithWriter: true }),
      ),
      serverlessV2MinCapacity: profile.databaseMinCapacity,
      serverlessV2MaxCapacity: profile.databaseMaxCapacity,
      storageEncrypted: true,
      backup: { retention: Duration.days(profile.databaseBackupDays) },
      deletionProtection: profile.protectData,
      removalPolicy: profile.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.SNAPSHOT,
      iamAuthentication: false,
    });
  }

  /** The connection string without a password; TLS, encrypted (node-postgres in libpq's `require` sense). */
  get url(): string {
    const address = this.cluster.clusterEndpoint.socketAddress;
    return `postgres://${DATABASE_USER}@${address}/${DATABASE_NAME}?uselibpqcompat=true&sslmode=require`;
  }

  allowFrom(peer: IConnectable): void {
    this.cluster.connections.allowDefaultPortFrom(peer);
  }
}
