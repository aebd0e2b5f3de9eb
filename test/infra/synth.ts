/**
 * Synthesizes the CDK app offline for the infrastructure tests: the feature flags of cdk.json (as
 * `cdk synth` uses them), the test's context, no account lookups, no credentials.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/carepack-app.js';

const root = join(import.meta.dirname, '..', '..');
const cdkJson = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

export interface Synthesized {
  template: Template;
  /** The template file `cdk synth` would write, for cfn-lint. */
  templateFile: string;
  /** Removes the cloud assembly. */
  dispose(): void;
}

export function synth(context: Record<string, string>): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'carepack-cdk-'));
  const app = new App({ outdir, context: { ...cdkJson.context, ...context } });
  const { stack } = buildApp(app);
  if (!stack) throw new Error('no stack: give imageTag');
  const assembly = app.synth();
  return {
    template: Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template),
    templateFile: join(outdir, assembly.getStackArtifact(stack.artifactId).templateFile),
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

type Cfn = string | number | boolean | null | Cfn[] | { [key: string]: Cfn };

/**
 * A template value with its references replaced by plausible values, so the container's
 * environment can go through the server's own configuration check.
 */
export function resolveForTest(value: Cfn): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const join = value['Fn::Join'] as [string, Cfn[]] | undefined;
    if (join) return join[1].map(resolveForTest).join(join[0]);
    const ref = value.Ref;
    if (ref === 'AWS::Region') return 'us-east-1';
    if (typeof ref === 'string') return `carepack-${ref.toLowerCase().slice(0, 30)}`;
    if (value['Fn::GetAtt']) return 'cluster.example.internal';
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}
