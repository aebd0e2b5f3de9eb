// Types of index.mjs (plain JavaScript so the Lambda needs no bundling), for the tests.
export interface MigrationEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  StackId: string;
  PhysicalResourceId?: string;
  ResourceProperties: Record<string, unknown>;
  Data?: { TaskArn?: string };
}
export interface AwsCalls {
  runTask(
    input: object,
  ): Promise<{ tasks?: { taskArn?: string }[]; failures?: { reason?: string; arn?: string }[] }>;
  describeTask(
    cluster: string,
    taskArn: string,
  ): Promise<
    | {
        lastStatus?: string;
        stoppedReason?: string;
        containers?: { name?: string; exitCode?: number; reason?: string }[];
      }
    | undefined
  >;
  stackStatus(stackId: string): Promise<string | undefined>;
}
export function migrationHandlers(aws: AwsCalls): {
  onEvent(event: MigrationEvent): Promise<{ PhysicalResourceId: string; Data?: { TaskArn: string } }>;
  isComplete(event: MigrationEvent): Promise<{ IsComplete: boolean }>;
};
export function onEvent(event: MigrationEvent): Promise<unknown>;
export function isComplete(event: MigrationEvent): Promise<unknown>;
