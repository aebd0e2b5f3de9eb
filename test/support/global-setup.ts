import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../../src/store/dynamo/dynamo-local.js';
import { buildNeeded, buildWebClient } from '../../src/web-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/**
 * Starts one in-memory DynamoDB Local (the real engine, on the machine's Java) for all test
 * files, unless CAREPACK_TEST_DYNAMODB_ENDPOINT points at one already running.
 * Builds the web client into dist/web first when it is missing or stale: every `npm start`
 * the e2e files spawn would otherwise build it there itself, and two files running at once
 * would build into the one directory together (each build empties it first).
 */
export default async function setup(project: TestProject) {
  const why = buildNeeded();
  if (why) {
    console.info(`building the web client for the servers the tests start (${why})…`);
    await buildWebClient((m) => console.info(m));
  }
  const given = process.env.CAREPACK_TEST_DYNAMODB_ENDPOINT;
  if (given) {
    project.provide('dynamoEndpoint', given);
    return;
  }
  const local = await startDynamoLocal();
  project.provide('dynamoEndpoint', local.endpoint);
  return () => local.stop();
}
