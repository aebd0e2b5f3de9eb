/**
 * `carepack <command>`: operator commands. Each command family lives in its own file.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { Command } from 'commander';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { seedStore } from '../seed/seed.js';
import { openStore } from '../store/create-store.js';
import { registerBackupCommands } from './backup-commands.js';
import { registerDbCommands } from './db-commands.js';
import { registerDynamoCommands } from './dynamo-commands.js';
import { registerStoreCommands } from './store-commands.js';

let loaded: Config | undefined;
const config = () => {
  loaded ??= loadConfig();
  return loaded;
};

const program = new Command('carepack')
  .description('Carepack operator commands (configuration comes from the environment; see the README)')
  .showHelpAfterError();

registerDynamoCommands(program, config);
registerDbCommands(program, config);
registerStoreCommands(program, config);
registerBackupCommands(program, config);

program
  .command('seed')
  .description(
    'Add the states and programs of the data file (and demo users unless --no-demo-users) that are missing',
  )
  .option('--no-demo-users', 'do not add the demo users')
  .action(async (opts: { demoUsers: boolean }) => {
    const { store, description } = await openStore(config().store);
    try {
      const result = await seedStore(store, { demoUsers: opts.demoUsers });
      console.log(`${description}: added ${result.statesAdded} states and ${result.usersAdded} demo users`);
    } finally {
      await store.close();
    }
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : `carepack: ${(e as Error).message}`);
  process.exit(1);
});
