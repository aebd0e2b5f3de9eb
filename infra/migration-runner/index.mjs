// The deploy's migration step, as a CloudFormation custom resource (custom_resources.Provider):
// onEvent starts the one-off migration task, isComplete polls it until it stops, and a non-zero
// exit fails the resource, so the deploy stops and rolls back before the new service version
// takes traffic. Plain JavaScript on the Lambda runtime's own AWS SDK: no bundling at synth.

/**
 * The handlers over three calls, so a test can hand in fakes.
 * @param {{
 *   runTask: (input: object) => Promise<{ tasks?: { taskArn?: string }[], failures?: { reason?: string, arn?: string }[] }>,
 *   describeTask: (cluster: string, taskArn: string) => Promise<{ lastStatus?: string, stoppedReason?: string, containers?: { name?: string, exitCode?: number, reason?: string }[] } | undefined>,
 *   stackStatus: (stackId: string) => Promise<string | undefined>,
 * }} aws
 */
export function migrationHandlers(aws) {
  return {
    async onEvent(event) {
      const physical = event.PhysicalResourceId ?? 'carepack-migration';
      if (event.RequestType === 'Delete') return { PhysicalResourceId: physical };
      // A rollback puts the previous task definition back: its code may not know the newer
      // schema, and the schema needs nothing from it. Nothing to run.
      const status = await aws.stackStatus(event.StackId);
      if (status?.includes('ROLLBACK')) return { PhysicalResourceId: physical, Data: { TaskArn: '' } };
      const p = event.ResourceProperties;
      const out = await aws.runTask({
        cluster: p.Cluster,
        taskDefinition: p.TaskDefinition,
        launchType: 'FARGATE',
        count: 1,
        startedBy: 'carepack-deploy',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: p.Subnets,
            securityGroups: p.SecurityGroups,
            assignPublicIp: 'DISABLED',
          },
        },
      });
      const taskArn = out.tasks?.[0]?.taskArn;
      if (!taskArn) {
        const why = (out.failures ?? []).map((f) => `${f.arn ?? ''} ${f.reason ?? ''}`.trim()).join('; ');
        throw new Error(`the migration task did not start: ${why || 'no task returned'}`);
      }
      return { PhysicalResourceId: physical, Data: { TaskArn: taskArn } };
    },

    async isComplete(event) {
      const taskArn = event.Data?.TaskArn;
      if (event.RequestType === 'Delete' || !taskArn) return { IsComplete: true };
      const p = event.ResourceProperties;
      const task = await aws.describeTask(p.Cluster, taskArn);
      if (!task) throw new Error(`migration task ${taskArn} is gone`);
      if (task.lastStatus !== 'STOPPED') return { IsComplete: false };
      const container = task.containers?.find((c) => c.name === p.Container);
      if (container?.exitCode === 0) return { IsComplete: true };
      throw new Error(
        `migration task ${taskArn} failed (exit code ${container?.exitCode ?? 'none'}: ` +
          `${container?.reason ?? task.stoppedReason ?? 'no reason given'}); its output is in the log group ${p.LogGroup}`,
      );
    },
  };
}

/** The real calls, made on first use (the SDK ships with the Lambda runtime). */
async function awsCalls() {
  const { ECSClient, RunTaskCommand, DescribeTasksCommand } = await import('@aws-sdk/client-ecs');
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const ecs = new ECSClient({});
  const cfn = new CloudFormationClient({});
  return migrationHandlers({
    runTask: (input) => ecs.send(new RunTaskCommand(input)),
    describeTask: async (cluster, taskArn) =>
      (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }))).tasks?.[0],
    stackStatus: async (stackId) =>
      (await cfn.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks?.[0]?.StackStatus,
  });
}

let handlers;
export const onEvent = async (event) => {
  handlers ??= await awsCalls();
  return handlers.onEvent(event);
};
export const isComplete = async (event) => {
  handlers ??= await awsCalls();
  return handlers.isComplete(event);
};
