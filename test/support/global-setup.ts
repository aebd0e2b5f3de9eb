import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../../src/store/dynamo/dynamo-local.js';
import { openPglite } from '../../src/store/postgres/postgres-client.js';
import { migrateToLatest } from '../../src/store/postgres/postgres-migrate.js';
import { buildNeeded, buildWebClient } from '../../src/web-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    /** The run's PGlite directory: `template` (migrated) and the tests' copies (pglite.ts). */
    pgliteRoot: string;
  }
}

/**
 * Starts one in-memory DynamoDB Local (the real engine, on the machine's Java) for all test
 * files, unless CAREPACK_TEST_DYNAMODB_ENDPOINT points at one already running.
 * Builds the web client into dist/web first when it is missing or stale: every `npm start`
 * the e2e files spawn would otherwise build it there itself, and two files running at once
 * would build into the one directory together (each build empties it first).
 * Creates the migrated PGlite template that test databases are copied from (pglite.ts).
 */
export default async function setup(project: TestProject) {
  const why = buildNeeded();
  if (why) {
    console.info(`building the web client for the servers the tests start (${why})…`);
    await buildWebClient((m) => console.info(m));
  }
  const given = process.env.CAREPACK_TEST_DYNAMODB_ENDPOINT;
  const local = given ? undefined : await startDynamoLocal();
  project.provide('dynamoEndpoint', given ?? local!.endpoint);
  // After the engine answers: PGlite's initdb holds this thread, which polls the engine as it starts.
  const pgliteRoot = mkdtempSync(join(tmpdir(), 'carepack-pglite-'));
  const teardown = async () => {
    rmSync(pgliteRoot, { recursive: true, force: true });
    await local?.stop();
  };
  try {
    await createPgliteTemplate(pgliteRoot);
  } catch (e) {
    await teardown();
    throw e;
  }
  project.provide('pgliteRoot', pgliteRoot);
  return teardown;
}

/** The migrated PGlite database every `openTestPglite` copies. */
async function createPgliteTemplate(root: string) {
  const handle = await openPglite(join(root, 'template'));
  await migrateToLatest(handle.db);
  await handle.close();
}
