/**
 * What one deployment of Carepack is: the context values of `cdk synth/deploy -c name=value`,
 * validated once (a bad value stops synth naming the value), plus what each environment sizes
 * differently. Nothing here is looked up in an AWS account: synth works offline.
 */
import { z } from 'zod';

export const ENVIRONMENTS = ['dev', 'val', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** How big and how guarded each environment is. */
export interface EnvironmentProfile {
  natGateways: number;
  minTasks: number;
  maxTasks: number;
  /** Days CloudWatch keeps the logs. */
  logRetentionDays: 30 | 90 | 365;
  /** Days Aurora keeps automated backups (PITR window). */
  databaseBackupDays: number;
  databaseMinCapacity: number;
  databaseMaxCapacity: number;
  /** Aurora readers beside the writer (another zone, failover). */
  databaseReaders: number;
  /** Deletion protection, and resources kept when the stack is deleted or replaces them. */
  protectData: boolean;
}

export const PROFILES: Record<EnvironmentName, EnvironmentProfile> = {
  dev: {
    natGateways: 1,
    minTasks: 1,
    maxTasks: 2,
    logRetentionDays: 30,
    databaseBackupDays: 1,
    databaseMinCapacity: 0.5,
    databaseMaxCapacity: 2,
    databaseReaders: 0,
    protectData: false,
  },
  val: {
    natGateways: 1,
    minTasks: 1,
    maxTasks: 4,
    logRetentionDays: 90,
    databaseBackupDays: 7,
    databaseMinCapacity: 0.5,
    databaseMaxCapacity: 4,
    databaseReaders: 0,
    protectData: false,
  },
  prod: {
    natGateways: 2,
    minTasks: 2,
    maxTasks: 10,
    logRetentionDays: 365,
    databaseBackupDays: 35,
    databaseMinCapacity: 1,
    databaseMaxCapacity: 16,
    databaseReaders: 1,
    protectData: true,
  },
};

const optional = z
  .string()
  .trim()
  .transform((s) => s || undefined)
  .optional();

const ContextSchema = z
  .object({
    env: z.enum(ENVIRONMENTS).default('dev'),
    account: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1')
      .optional(),
    /** Two or more zones, comma-separated; default `<region>a,<region>b` (no lookup). */
    azs: optional,
    /** The tag of the image pushed to the registry (`docker build .`): a release, a commit. */
    imageTag: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'must be a Docker image tag')
      .optional(),
    /** An existing ECR repository (name) instead of the registry stack's. */
    imageRepository: optional,
    store: z.enum(['dynamodb', 'postgres']).default('dynamodb'),
    domainName: optional,
    certificateArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:/, 'must be an ACM certificate ARN')
      .optional(),
    /** An SES identity (domain or address) the SMTP user may send as. */
    sesIdentity: optional,
    mailFrom: optional,
    cmsReviewEmails: optional,
    /** Existing Secrets Manager secrets (names), injected when given. */
    smtpSecretName: optional,
    oidcClientSecretName: optional,
    oidcIssuer: z.url().optional(),
    oidcAudience: optional,
    oidcJwksUrl: z.url().optional(),
    oidcClientId: optional,
    oidcAuthorizationUrl: z.url().optional(),
    oidcTokenUrl: z.url().optional(),
    clamavImage: z.string().min(1).default('clamav/clamav:1.4'),
  })
  .superRefine((c, ctx) => {
    if (c.env === 'prod' && !c.certificateArn)
      ctx.addIssue({
        code: 'custom',
        path: ['certificateArn'],
        message: 'prod serves HTTPS only: give the ACM certificate of its domain',
      });
    if (c.certificateArn && !c.domainName)
      ctx.addIssue({
        code: 'custom',
        path: ['domainName'],
        message: 'the certificate is for a domain: name it (it becomes CAREPACK_PUBLIC_URL)',
      });
    if (Boolean(c.account) !== Boolean(c.region))
      ctx.addIssue({ code: 'custom', path: ['region'], message: 'give account and region together' });
  });

export type Settings = z.infer<typeof ContextSchema> & {
  profile: EnvironmentProfile;
  /** The availability zones, when the region is known; else the stack's own (Fn::GetAZs). */
  availabilityZones?: string[];
};

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** The deployment the context describes; `context(name)` reads one value (a CDK node's tryGetContext). */
export function readSettings(context: (name: string) => unknown): Settings {
  const raw = Object.fromEntries(
    Object.keys(ContextSchema.shape).map((name) => [name, stringOrUndefined(context(name))]),
  );
  const parsed = ContextSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  -c ${i.path.join('.')}: ${i.message}`);
    throw new SettingsError(`invalid CDK context:\n${lines.join('\n')}`);
  }
  const s = parsed.data;
  const azs =
    s.azs?.split(',').map((z) => z.trim()) ?? (s.region ? [`${s.region}a`, `${s.region}b`] : undefined);
  return { ...s, profile: PROFILES[s.env], ...(azs ? { availabilityZones: azs } : {}) };
}

/** Context given on the command line is a string; in cdk.json it may be a number or boolean. */
function stringOrUndefined(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}
