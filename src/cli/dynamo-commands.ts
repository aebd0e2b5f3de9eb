import type { Command } from 'commander';
import type { Config } from '../config.js';
import { createDynamoClients } from '../store/dynamo/dynamo-client.js';
import { startDynamoLocal } from '../store/dynamo/dynamo-local.js';
import { cloudFormationTemplate, ensureTable, tableDefinition } from '../store/dynamo/dynamo-tables.js';
import { type Bar, progressBar } from './progress.js';

export function registerDynamoCommands(program: Command, config: () => Config) {
  const dynamo = program.command('dynamo').description('DynamoDB administration');

  dynamo
    .command('create-tables')
    .description('Create the Carepack table and its indexes if missing (safe to repeat)')
    .option('--print', 'print the table definition instead of creating it')
    .option(
      '--format <format>',
      'with --print: cloudformation or create-table (the CreateTable JSON)',
      'cloudformation',
    )
    .action(async (opts: { print?: boolean; format: string }) => {
      const { dynamodb } = config().store;
      if (opts.print) {
        if (opts.format !== 'cloudformation' && opts.format !== 'create-table') {
          throw new Error(`--format must be cloudformation or create-table, not ${opts.format}`);
        }
        const doc =
          opts.format === 'cloudformation'
            ? cloudFormationTemplate(dynamodb.tableName)
            : tableDefinition(dynamodb.tableName);
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
        return;
      }
      const local =
        dynamodb.mode === 'embedded' ? await startDynamoLocal({ dataDir: dynamodb.dataDir }) : undefined;
      const { client } = createDynamoClients({
        endpoint: local?.endpoint ?? dynamodb.endpoint,
        region: dynamodb.region,
      });
      let bar: Bar | undefined;
      try {
        const where = local
          ? `embedded DynamoDB (${dynamodb.dataDir ?? 'in memory'})`
          : (dynamodb.endpoint ?? `AWS ${dynamodb.region}`);
        const result = await ensureTable(client, dynamodb.tableName, {
          // Packages whose embedded rates became rate records (how many there are is not known up front).
          onRatesMoved: (packages) => {
            bar ??= progressBar('rates');
            bar.update(packages);
          },
        });
        bar?.stop();
        bar = undefined;
        console.log(`table ${dynamodb.tableName} ${TABLE_RESULT[result]} in ${where}`);
      } finally {
        bar?.stop();
        client.destroy();
        await local?.stop();
      }
    });
}

const TABLE_RESULT = {
  created: 'created',
  exists: 'already exists',
  upgraded:
    'upgraded (review-status indexes added and package heads backfilled, or embedded rate certifications moved into rate records)',
} as const;
