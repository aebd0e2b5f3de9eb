/**
 * The app's stacks: the image registry, and one environment's stack once an image tag is given.
 * infra/app.ts runs it for the CDK CLI; tests build it with their own context.
 */
import type { App } from 'aws-cdk-lib';
import { CarepackStack } from './carepack-stack.js';
import { RegistryStack } from './registry-stack.js';
import { readSettings, type Settings } from './settings.js';

/** The app's stacks for the settings; `app` carries the context (tests hand in their own). */
export function buildApp(
  app: App,
  settings: Settings = readSettings((name) => app.node.tryGetContext(name)),
) {
  const env = settings.account ? { account: settings.account, region: settings.region } : undefined;
  const registry = new RegistryStack(app, 'Carepack-registry', env ? { env } : {});
  const { imageTag } = settings;
  const stack = imageTag
    ? new CarepackStack(app, `Carepack-${settings.env}`, {
        ...(env ? { env } : {}),
        settings: { ...settings, imageTag },
        description: `Carepack ${settings.env}: the portal on ECS Fargate, its ${settings.store} store and documents`,
        terminationProtection: settings.profile.protectData,
      })
    : undefined;
  return { registry, stack };
}
