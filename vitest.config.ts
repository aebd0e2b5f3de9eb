import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { SlowFilesFirst } from './test/support/slow-files-first.js';
import { Watchdog } from './test/support/watchdog.js';
import { webAliases } from './web/vite.config.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  // Tests import web code, which reaches the domain through the web client's alias.
  resolve: { alias: webAliases },
  test: {
    include: ['test/**/*.test.ts'],
    // One DynamoDB Local for the whole run; each test file makes its own table. One migrated
    // PGlite template too, which each test's PGlite database copies (test/support/pglite.ts).
    globalSetup: ['test/support/global-setup.ts'],
    // Two files at once, even on two cores (vitest's default there, cores - 1, runs one): most
    // files wait on engines outside the worker (DynamoDB Local, PostgreSQL, Chromium, servers
    // they spawn). Files share no state: each makes its own DynamoDB table, PostgreSQL database,
    // temporary directories and free ports, and global setup builds the web client once.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A worker runs file after file in one process, importing the AWS SDK, Fastify and the
    // project once rather than once per file (the API tests' import time fell from 54 s to 12 s).
    // The files share no state through modules: each builds its own stores, servers and clients,
    // and restores what it changes of the process (TZ in the web tests); spies are on instances.
    isolate: false,
    // The slowest files first, so none of them runs on alone at the end.
    sequence: { sequencer: SlowFilesFirst },
    // A file stuck past its limit fails the run and names itself, instead of hanging it.
    reporters: ['default', new Watchdog()],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    allowOnly: false,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
