import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../../src/store/dynamo/dynamo-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/**
 * Starts one in-memory DynamoDB Local (the real engine, on the machine's Java) for all test
 * files, unless CAREPACK_TEST_DYNAMODB_ENDPOINT points at one already running.
 */
export default async function setup(project: TestProject) {
  const given = process.env.CAREPACK_TEST_DYNAMODB_ENDPOINT;
  if (given) {
    project.provide('dynamoEndpoint', given);
    return;
  }
  const local = await startDynamoLocal();
  project.provide('dynamoEndpoint', local.endpoint);
  return () => local.stop();
}
