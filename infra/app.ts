/**
 * The CDK app (`npx cdk synth -c env=dev -c imageTag=…`; cdk.json runs this file): see the
 * README's "Deploying to AWS" for the context values.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from './carepack-app.js';

const app = new App();
const { stack } = buildApp(app);
if (!stack)
  console.error('no -c imageTag=…: only the Carepack-registry stack (push an image, then give its tag)');
app.synth();
