/**
 * `npm start`: open the datastore (the embedded DynamoDB unless configured otherwise), seed
 * reference data and demo users, and serve the API until SIGINT/SIGTERM.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { buildApp } from './api/app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { openFiles } from './files/open-files.js';
import { createNotifier, mailTransport } from './notify/index.js';
import { seedStore } from './seed/seed.js';
import { openStore } from './store/create-store.js';
import { buildNeeded, buildWebClient, WEB_DIST } from './web-build.js';

/** Without a configured secret, keep one in the data dir so sessions survive restarts. */
function sessionSecret(config: Config): string {
  if (config.sessionSecret) return config.sessionSecret;
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'session-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function main() {
  const config = loadConfig();
  const log = pino({ level: config.logLevel });
  log.info('starting Carepack');
  const { store, description, warnings } = await openStore(config.store, { logger: log });
  log.info(`datastore: ${description}`);
  for (const warning of warnings ?? []) log.warn(warning);
  const seeded = await seedStore(store, { demoUsers: config.seedDemoUsers });
  if (seeded.statesAdded || seeded.usersAdded) {
    log.info(`seeded ${seeded.statesAdded} states and ${seeded.usersAdded} demo users`);
  }
  const opened = await openFiles(config.files);
  log.info(`documents: ${opened.description}`);
  const notifier = createNotifier({
    transport: mailTransport(config.mail, log),
    from: config.mail.from,
    cmsReviewList: config.mail.cmsReviewList,
    divisionLists: config.mail.divisionLists,
    baseUrl: config.mail.publicUrl,
    failedLog: config.mail.failedLog,
    logger: log,
  });
  log.info(
    config.mail.smtp
      ? `email: SMTP via ${config.mail.smtp.host}`
      : `email: written to ${config.mail.outboxDir} (no SMTP configured)`,
  );
  if (config.webClient) {
    const why = buildNeeded();
    if (why) {
      log.info(`building the web client (${why})…`);
      await buildWebClient((m) => log.info(m));
    }
  }
  const app = await buildApp({
    ...(config.webClient ? { webRoot: WEB_DIST } : {}),
    files: opened.files,
    downloads: opened.downloads,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    scanner: opened.scanner,
    maxUploadBytes: config.files.maxUploadBytes,
    notifier,
    store,
    sessionSecret: sessionSecret(config),
    sessionCacheMs: config.sessionCacheMs,
    devLogin: config.devLogin,
    secureCookies: config.secureCookies,
    ...(config.oidc ? { oidc: config.oidc } : {}),
    logger: log,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    await app.close();
    // Mail still queued gets a moment to go out; what fails stays in the failure log.
    await Promise.race([notifier.drain(), new Promise((r) => setTimeout(r, 5000))]);
    await opened.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    await opened.close();
    await store.close();
    throw e;
  }
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${(app.server.address() as { port: number }).port}`;
  log.info(
    `Carepack is running at ${url} (open it in a browser; API under ${url}/api, OpenAPI at ${url}/openapi.json)`,
  );
}

main().catch((e) => {
  if (e instanceof ConfigError) console.error(e.message);
  else console.error('Carepack failed to start:', e);
  process.exit(1);
});
