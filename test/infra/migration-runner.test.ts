/**
 * The deploy's migration step (infra/migration-runner): it starts the task, waits for it, and
 * fails the deploy when the task fails; a rollback runs nothing. Driven with fake AWS calls.
 */
import { describe, expect, it } from 'vitest';
import {
  type AwsCalls,
  type MigrationEvent,
  migrationHandlers,
} from '../../infra/migration-runner/index.mjs';

const properties = {
  Cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/carepack',
  TaskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/migrate:7',
  Container: 'migrate',
  Subnets: ['subnet-1', 'subnet-2'],
  SecurityGroups: ['sg-1'],
  LogGroup: 'carepack-logs',
};
const event = (over: Partial<MigrationEvent> = {}): MigrationEvent => ({
  RequestType: 'Update',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Carepack-dev/1',
  PhysicalResourceId: 'carepack-migration',
  ResourceProperties: properties,
  ...over,
});

function fakeAws(over: Partial<AwsCalls> = {}) {
  const started: object[] = [];
  const aws: AwsCalls = {
    runTask: async (input) => {
      started.push(input);
      return { tasks: [{ taskArn: 'arn:task/1' }] };
    },
    describeTask: async () => ({ lastStatus: 'STOPPED', containers: [{ name: 'migrate', exitCode: 0 }] }),
    stackStatus: async () => 'UPDATE_IN_PROGRESS',
    ...over,
  };
  return { aws, started };
}

describe('migration step', () => {
  it('starts the task definition it is given, in the private subnets, without a public address', async () => {
    const { aws, started } = fakeAws();
    const out = await migrationHandlers(aws).onEvent(event());
    expect(out).toEqual({ PhysicalResourceId: 'carepack-migration', Data: { TaskArn: 'arn:task/1' } });
    expect(started).toEqual([
      expect.objectContaining({
        cluster: properties.Cluster,
        taskDefinition: properties.TaskDefinition,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: ['subnet-1', 'subnet-2'],
            securityGroups: ['sg-1'],
            assignPublicIp: 'DISABLED',
          },
        },
      }),
    ]);
  });

  it('fails when the task does not start, saying why', async () => {
    const { aws } = fakeAws({ runTask: async () => ({ failures: [{ reason: 'RESOURCE:MEMORY' }] }) });
    await expect(migrationHandlers(aws).onEvent(event())).rejects.toThrow(/did not start: RESOURCE:MEMORY/);
  });

  it('waits while the task runs, completes on exit code 0, fails the deploy otherwise', async () => {
    const running = fakeAws({ describeTask: async () => ({ lastStatus: 'RUNNING' }) }).aws;
    const started = event({ Data: { TaskArn: 'arn:task/1' } });
    expect(await migrationHandlers(running).isComplete(started)).toEqual({ IsComplete: false });
    expect(await migrationHandlers(fakeAws().aws).isComplete(started)).toEqual({ IsComplete: true });
    const failed = fakeAws({
      describeTask: async () => ({ lastStatus: 'STOPPED', containers: [{ name: 'migrate', exitCode: 1 }] }),
    }).aws;
    await expect(migrationHandlers(failed).isComplete(started)).rejects.toThrow(
      /failed \(exit code 1.*log group carepack-logs/,
    );
    const killed = fakeAws({
      describeTask: async () => ({
        lastStatus: 'STOPPED',
        stoppedReason: 'Essential container exited',
        containers: [],
      }),
    }).aws;
    await expect(migrationHandlers(killed).isComplete(started)).rejects.toThrow(/exit code none: Essential/);
  });

  it('runs nothing on a rollback or a delete', async () => {
    const { aws, started } = fakeAws({ stackStatus: async () => 'UPDATE_ROLLBACK_IN_PROGRESS' });
    const handlers = migrationHandlers(aws);
    const rollback = await handlers.onEvent(event());
    expect(rollback.Data).toEqual({ TaskArn: '' });
    expect(await handlers.isComplete(event({ Data: { TaskArn: '' } }))).toEqual({ IsComplete: true });
    await handlers.onEvent(event({ RequestType: 'Delete' }));
    expect(started).toEqual([]);
  });
});
