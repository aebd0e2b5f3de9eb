/**
 * The AWS stack, synthesized offline (no account, no credentials, no lookups) for two deployments
 * — dev on DynamoDB over HTTP, prod on Aurora PostgreSQL over HTTPS with every optional secret —
 * and checked resource by resource; then cfn-lint checks both templates.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CONTAINER, CLAMD_CONTAINER } from '../../infra/carepack-service.js';
import { CarepackTable } from '../../infra/carepack-table.js';
import { PROFILES, readSettings, SettingsError } from '../../infra/settings.js';
import { loadConfig } from '../../src/config.js';
import { cloudFormationTemplate } from '../../src/store/dynamo/dynamo-tables.js';
import { resolveForTest, type Synthesized, synth } from './synth.js';

const PROD = {
  env: 'prod',
  account: '123456789012',
  region: 'us-east-1',
  imageTag: '2026.12.1',
  store: 'postgres',
  domainName: 'carepack.example.gov',
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-111122223333',
  sesIdentity: 'carepack.example.gov',
  smtpSecretName: 'carepack/prod/smtp',
  oidcClientSecretName: 'carepack/prod/oidc-client',
  oidcIssuer: 'https://idp.example.gov',
  oidcAudience: 'carepack',
  oidcJwksUrl: 'https://idp.example.gov/jwks',
  oidcClientId: 'carepack-web',
  oidcAuthorizationUrl: 'https://idp.example.gov/authorize',
  oidcTokenUrl: 'https://idp.example.gov/token',
};

let dev: Synthesized;
let prod: Synthesized;
beforeAll(() => {
  dev = synth({ env: 'dev', imageTag: 'dev-1' });
  prod = synth(PROD);
}, 120_000);
afterAll(() => {
  dev?.dispose();
  prod?.dispose();
});

// biome-ignore lint/suspicious/noExplicitAny: template JSON, read field by field and asserted
type Json = any;
type Resource = { Type: string; Properties: Record<string, Json>; DependsOn?: string[] };
const resources = (t: Template, type: string) =>
  Object.entries(t.findResources(type) as Record<string, Resource>);
const only = (t: Template, type: string) => {
  const found = resources(t, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
type Container = {
  Name: string;
  Environment?: { Name: string; Value: Json }[];
  Secrets?: { Name: string; ValueFrom: unknown }[];
  [k: string]: unknown;
};
const containers = (t: Template): Container[] =>
  resources(t, 'AWS::ECS::TaskDefinition').flatMap(
    ([, r]) => r.Properties.ContainerDefinitions as Container[],
  );
const container = (t: Template, name: string) => containers(t).find((c) => c.Name === name)!;

describe('data', () => {
  it('the table is the one `dynamo create-tables --print` prints, point-in-time recovery on', () => {
    const [, table] = only(dev.template, 'AWS::DynamoDB::Table');
    const printed = cloudFormationTemplate('carepack-dev').Resources.CarepackTable.Properties;
    const { DeletionProtectionEnabled, ...rest } = table.Properties;
    expect(rest).toEqual(JSON.parse(JSON.stringify(printed)));
    expect(printed.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled).toBe(true);
    expect(printed.SSESpecification.SSEEnabled).toBe(true);
    expect(DeletionProtectionEnabled).toBe(false);
    expect(resources(dev.template, 'AWS::RDS::DBCluster')).toEqual([]);
  });

  it('prod keeps its data: deletion protection, retained on stack deletion, long backups', () => {
    // The table of a prod on DynamoDB, by the prod profile (one synth fewer than a whole stack).
    const stack = new Stack();
    new CarepackTable(stack, 'Data', { tableName: 'carepack-prod', protect: PROFILES.prod.protectData });
    Template.fromStack(stack).hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    prod.template.hasResource('AWS::RDS::DBCluster', {
      Properties: Match.objectLike({
        Engine: 'aurora-postgresql',
        StorageEncrypted: true,
        DeletionProtection: true,
        BackupRetentionPeriod: 35,
        ServerlessV2ScalingConfiguration: { MinCapacity: 1, MaxCapacity: 16 },
      }),
      DeletionPolicy: 'Retain',
    });
    // A writer and a reader in another zone, both serverless v2.
    expect(
      resources(prod.template, 'AWS::RDS::DBInstance').map(([, r]) => r.Properties.DBInstanceClass),
    ).toEqual(['db.serverless', 'db.serverless']);
    expect(resources(prod.template, 'AWS::DynamoDB::Table')).toEqual([]);
  });

  it('the database password is generated into Secrets Manager and reaches the task as a secret', () => {
    prod.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"carepack"}' }),
    });
    const api = container(prod.template, API_CONTAINER);
    expect(api.Secrets?.map((s) => s.Name)).toContain('PGPASSWORD');
    const url = resolveForTest(api.Environment!.find((e) => e.Name === 'DATABASE_URL')!.Value);
    expect(url).toMatch(
      /^postgres:\/\/carepack@[^:/]+:[^/]+\/carepack\?uselibpqcompat=true&sslmode=require$/,
    );
  });
});

describe('documents', () => {
  it('the bucket is versioned, encrypted, private, TLS only, and cleans up broken uploads', () => {
    const [, bucket] = only(dev.template, 'AWS::S3::Bucket');
    const p = bucket.Properties as Record<string, unknown>;
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(p.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(p.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(p.LifecycleConfiguration).toMatchObject({
      Rules: expect.arrayContaining([
        expect.objectContaining({
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          Status: 'Enabled',
        }),
      ]),
    });
    const [, policy] = only(dev.template, 'AWS::S3::BucketPolicy');
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('the API cannot read quarantined files (the prefix the upload path moves infected files to)', () => {
    const [, policy] = only(dev.template, 'AWS::S3::BucketPolicy');
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, Json>[] }).Statement;
    const deny = statements.find((s) => s.Sid === 'QuarantineUnreadableByTheApi')!;
    expect(deny.Effect).toBe('Deny');
    expect(deny.Action).toContain('s3:GetObject');
    expect(JSON.stringify(deny.Resource)).toContain('/quarantine/*');
    const taskRole = container(dev.template, API_CONTAINER) && apiTaskRole(dev.template);
    expect(deny.Principal).toEqual({ AWS: { 'Fn::GetAtt': [taskRole, 'Arn'] } });
  });
});

function apiTaskRole(t: Template): string {
  const [, def] = resources(t, 'AWS::ECS::TaskDefinition').find(([, r]) =>
    (r.Properties.ContainerDefinitions as Container[]).some((c) => c.Name === API_CONTAINER),
  )!;
  return (def.Properties.TaskRoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
}

describe('compute', () => {
  it('the load balancer sends to the API container, checks /healthz, and prod serves HTTPS only', () => {
    const [, service] = only(dev.template, 'AWS::ECS::Service');
    expect(service.Properties.LaunchType).toBe('FARGATE');
    expect(service.Properties.LoadBalancers).toEqual([
      expect.objectContaining({ ContainerName: API_CONTAINER, ContainerPort: 3000 }),
    ]);
    expect(service.Properties.DeploymentConfiguration).toMatchObject({
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
    });
    dev.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/healthz',
      Port: 80,
    });
    dev.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
    });
    prod.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS',
      Port: 443,
      Certificates: [{ CertificateArn: PROD.certificateArn }],
    });
    prod.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTP',
      DefaultActions: [Match.objectLike({ Type: 'redirect' })],
    });
  });

  it('clamd runs beside the API, which starts once clamd is healthy and checks /readyz itself', () => {
    const api = container(dev.template, API_CONTAINER);
    const clamd = container(dev.template, CLAMD_CONTAINER);
    expect(api.DependsOn).toEqual([{ ContainerName: CLAMD_CONTAINER, Condition: 'HEALTHY' }]);
    expect(JSON.stringify(api.HealthCheck)).toContain('/readyz');
    expect(clamd.HealthCheck).toMatchObject({ Command: ['CMD-SHELL', 'clamdcheck.sh'] });
    expect(api.Environment).toContainEqual({ Name: 'CAREPACK_CLAMAV', Value: '127.0.0.1:3310' });
  });

  it('autoscales on CPU and on requests per task, within the environment’s bounds', () => {
    const metrics = (t: Template) =>
      resources(t, 'AWS::ApplicationAutoScaling::ScalingPolicy').map(
        ([, r]) =>
          r.Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification
            .PredefinedMetricType,
      );
    expect(metrics(dev.template).sort()).toEqual([
      'ALBRequestCountPerTarget',
      'ECSServiceAverageCPUUtilization',
    ]);
    dev.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 1,
      MaxCapacity: 2,
    });
    prod.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 10,
    });
  });

  it('logs go to CloudWatch, kept per environment', () => {
    dev.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    prod.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    for (const c of containers(prod.template))
      expect(c.LogConfiguration).toMatchObject({ LogDriver: 'awslogs' });
  });
});

describe('configuration the server reads', () => {
  it('the API container’s environment passes the server’s own configuration check, for AWS', () => {
    for (const [t, https] of [
      [dev.template, false],
      [prod.template, true],
    ] as const) {
      const api = container(t, API_CONTAINER);
      const env: Record<string, string> = Object.fromEntries(
        api.Environment!.map((e) => [e.Name, resolveForTest(e.Value)]),
      );
      for (const s of api.Secrets ?? [])
        env[s.Name] =
          s.Name === 'CAREPACK_SMTP_URL' ? 'smtp://user:pass@email-smtp.example:587' : 'x'.repeat(64);
      const config = loadConfig(env);
      expect(config.files).toMatchObject({ mode: 'aws', clamav: { host: '127.0.0.1', port: 3310 } });
      expect(config.devLogin).toBe(false);
      expect(config.seedDemoUsers).toBe(false);
      expect(config.secureCookies).toBe(https);
      expect(config.sessionSecret).toHaveLength(64);
      if (https) {
        expect(config.store.backend).toBe('postgres');
        expect(config.store.postgres.url).toMatch(/^postgres:\/\//);
        expect(config.publicUrl).toBe('https://carepack.example.gov');
        expect(config.oidc?.browser?.clientSecret).toBe('x'.repeat(64));
        expect(config.mail.smtp?.host).toBe('email-smtp.example');
      } else {
        expect(config.store).toMatchObject({
          backend: 'dynamodb',
          dynamodb: { mode: 'aws', createTables: false },
        });
      }
    }
  });

  it('secrets come from Secrets Manager, never as plain environment values', () => {
    const api = container(prod.template, API_CONTAINER);
    expect(api.Secrets!.map((s) => s.Name).sort()).toEqual([
      'CAREPACK_OIDC_CLIENT_SECRET',
      'CAREPACK_SESSION_SECRET',
      'CAREPACK_SMTP_URL',
      'PGPASSWORD',
    ]);
    const plain = api.Environment!.map((e) => e.Name);
    for (const name of api.Secrets!.map((s) => s.Name)) expect(plain).not.toContain(name);
    expect(JSON.stringify(api.Secrets)).toContain('secret:carepack/prod/smtp');
  });
});

describe('migrations', () => {
  it('a one-off task runs the store’s migration before the service takes the new version', () => {
    for (const [t, command] of [
      [dev.template, ['dynamo', 'create-tables']],
      [prod.template, ['db', 'migrate']],
    ] as const) {
      const migrate = container(t, 'migrate');
      expect(migrate.Command).toEqual(command);
      const [runId, run] = only(t, 'Custom::CarepackMigration');
      const [taskDefId] = resources(t, 'AWS::ECS::TaskDefinition').find(([, r]) =>
        (r.Properties.ContainerDefinitions as Container[]).some((c) => c.Name === 'migrate'),
      )!;
      expect(run.Properties.TaskDefinition).toEqual({ Ref: taskDefId });
      const [, service] = only(t, 'AWS::ECS::Service');
      expect(service.DependsOn).toContain(runId);
    }
  });
});

describe('least privilege', () => {
  type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
  const statements = (t: Template) =>
    resources(t, 'AWS::IAM::Policy').flatMap(([id, r]) =>
      (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement.map((s) => ({ id, ...s })),
    );
  const actions = (s: Statement) => [s.Action].flat();

  it('no policy grants every action, or every action of a service', () => {
    for (const t of [dev.template, prod.template])
      for (const s of statements(t)) for (const a of actions(s)) expect(a, s.id).not.toMatch(/^\*$|:\*$/);
  });

  it('data actions name the table, its indexes or the bucket, never "*"', () => {
    for (const t of [dev.template, prod.template]) {
      const data = statements(t).filter((s) => actions(s).some((a) => /^(dynamodb|s3):/.test(a)));
      expect(data.length).toBeGreaterThan(0);
      for (const s of data) {
        expect(JSON.stringify(s.Resource), s.id).not.toBe('"*"');
        expect(JSON.stringify(s.Resource), s.id).toMatch(/DataTable|DocumentsBucket/);
      }
    }
  });

  it('PartiQL selects are allowed on the table, and refused when they would scan it', () => {
    // dev runs on DynamoDB (prod in these tests runs on PostgreSQL: no table).
    const partiql = statements(dev.template).filter((s) => actions(s).includes('dynamodb:PartiQLSelect'));
    // Each role granted the table (the API's, the migration's) has both, in the same policy.
    const allows = partiql.filter((s) => s.Effect === 'Allow');
    const denies = partiql.filter((s) => s.Effect === 'Deny') as (Statement & {
      id: string;
      Condition?: unknown;
    })[];
    expect(allows.length).toBeGreaterThan(0);
    expect(denies.map((s) => s.id)).toEqual(allows.map((s) => s.id));
    for (const s of denies) expect(s.Condition).toEqual({ Bool: { 'dynamodb:FullTableScan': 'true' } });
    for (const s of partiql) expect(JSON.stringify(s.Resource)).toMatch(/DataTable/);
  });

  it('only the SMTP user may send email, as the one SES identity', () => {
    const ses = statements(prod.template).filter((s) => actions(s).some((a) => a.startsWith('ses:')));
    expect(ses).toEqual([
      expect.objectContaining({ Action: 'ses:SendRawEmail', Resource: expect.anything() }),
    ]);
    expect(JSON.stringify(ses[0]!.Resource)).toContain(':identity/carepack.example.gov');
    expect(ses[0]!.id).toMatch(/^SmtpUser/);
  });
});

describe('settings', () => {
  const context = (values: Record<string, string>) => (name: string) => values[name];
  it('refuses a prod without HTTPS, and names the bad values', () => {
    expect(() => readSettings(context({ env: 'prod' }))).toThrow(SettingsError);
    expect(() => readSettings(context({ env: 'prod' }))).toThrow(/-c certificateArn/);
    expect(() => readSettings(context({ env: 'staging' }))).toThrow(/-c env/);
    expect(() => readSettings(context({ store: 'mysql' }))).toThrow(/-c store/);
  });
  it('derives the zones from the region, so no lookup is needed', () => {
    expect(readSettings(context({ account: '123456789012', region: 'us-west-2' })).availabilityZones).toEqual(
      ['us-west-2a', 'us-west-2b'],
    );
  });
});

describe('cfn-lint', () => {
  const lint = promisify(execFile);
  it('finds nothing wrong in the synthesized templates (required in CI)', async (ctx) => {
    const found = await lint('cfn-lint', ['--version']).then(
      () => true,
      () => false,
    );
    if (!found) {
      if (process.env.CAREPACK_REQUIRE_CFN_LINT === '1')
        throw new Error('cfn-lint is not on PATH, and CAREPACK_REQUIRE_CFN_LINT=1 requires it');
      console.warn('SKIPPED: cfn-lint is not on PATH; the synthesized templates were not linted');
      ctx.skip();
    }
    // W3005: CDK states dependencies a reference already implies; W3010: the zones are named on
    // purpose (from the region), so synth needs no lookup.
    const args = ['--ignore-checks', 'W3005', 'W3010', '--', dev.templateFile, prod.templateFile];
    const result = await lint('cfn-lint', args).catch((e: { stdout?: string; code?: number }) => e);
    expect('stdout' in result ? result.stdout : '').toBe('');
  }, 120_000);
});
