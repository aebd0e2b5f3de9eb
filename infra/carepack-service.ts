/**
 * The API on ECS Fargate behind an Application Load Balancer: a long-lived server, since uploads
 * and downloads stream (a function's 10 MB body limit would not do). Each task runs the API and
 * clamd beside it (CAREPACK_CLAMAV at 127.0.0.1); the API starts once clamd answers, so no
 * document is taken unscanned. The balancer checks /healthz (the process), the container check
 * /readyz (the datastore and the bucket answer); a deployment that never gets healthy rolls back.
 */
import { Duration } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { type IVpc, SubnetType } from 'aws-cdk-lib/aws-ec2';
import {
  type Cluster,
  ContainerDependencyCondition,
  type ContainerImage,
  FargateTaskDefinition,
  ContainerImage as Images,
  LogDrivers,
  type Secret,
} from 'aws-cdk-lib/aws-ecs';
import { ApplicationLoadBalancedFargateService } from 'aws-cdk-lib/aws-ecs-patterns';
import { ApplicationProtocol, SslPolicy } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_PORT } from './carepack-environment.js';
import type { EnvironmentProfile } from './settings.js';

export const API_CONTAINER = 'api';
export const CLAMD_CONTAINER = 'clamd';

export interface CarepackServiceProps {
  vpc: IVpc;
  cluster: Cluster;
  image: ContainerImage;
  clamavImage: string;
  environment: Record<string, string>;
  secrets: Record<string, Secret>;
  logGroup: ILogGroup;
  profile: EnvironmentProfile;
  certificate?: ICertificate;
}

/** The readiness probe, with what the image surely has: node (no curl in a slim image). */
const READY_PROBE = `fetch('http://127.0.0.1:${API_PORT}/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;

export class CarepackService extends Construct {
  readonly service: ApplicationLoadBalancedFargateService;
  readonly taskDefinition: FargateTaskDefinition;

  constructor(scope: Construct, id: string, props: CarepackServiceProps) {
    super(scope, id);
    const { profile } = props;
    // clamd holds its signatures in memory (about 1.5 GB, twice that while reloading them).
    this.taskDefinition = new FargateTaskDefinition(this, 'Task', { cpu: 1024, memoryLimitMiB: 4096 });
    // The first container is the one the load balancer sends to.
    const api = this.taskDefinition.addContainer(API_CONTAINER, {
      image: props.image,
      memoryReservationMiB: 1024,
      portMappings: [{ containerPort: API_PORT }],
      environment: props.environment,
      secrets: props.secrets,
      logging: LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: API_CONTAINER }),
      healthCheck: {
        command: ['CMD', 'node', '-e', READY_PROBE],
        interval: Duration.seconds(30),
        startPeriod: Duration.seconds(60),
        retries: 3,
      },
    });
    const clamd = this.taskDefinition.addContainer(CLAMD_CONTAINER, {
      image: Images.fromRegistry(props.clamavImage),
      // No port mapping: only the API, on the task's own 127.0.0.1, talks to it.
      memoryReservationMiB: 3072,
      logging: LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: CLAMD_CONTAINER }),
      // The image's own check; the first start downloads the signatures.
      healthCheck: {
        command: ['CMD-SHELL', 'clamdcheck.sh'],
        interval: Duration.seconds(30),
        startPeriod: Duration.seconds(300),
        retries: 5,
      },
    });
    api.addContainerDependencies({ container: clamd, condition: ContainerDependencyCondition.HEALTHY });

    this.service = new ApplicationLoadBalancedFargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: profile.minTasks,
      taskSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      publicLoadBalancer: true,
      ...(props.certificate
        ? {
            certificate: props.certificate,
            protocol: ApplicationProtocol.HTTPS,
            redirectHTTP: true,
            sslPolicy: SslPolicy.RECOMMENDED_TLS,
          }
        : { protocol: ApplicationProtocol.HTTP }),
      circuitBreaker: { rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      // clamd's first signature download plus the API's start.
      healthCheckGracePeriod: Duration.minutes(8),
      idleTimeout: Duration.minutes(5),
    });
    this.service.targetGroup.configureHealthCheck({
      path: '/healthz',
      healthyHttpCodes: '200',
      interval: Duration.seconds(15),
      healthyThresholdCount: 2,
    });
    this.service.targetGroup.setAttribute('deregistration_delay.timeout_seconds', '60');

    const scaling = this.service.service.autoScaleTaskCount({
      minCapacity: profile.minTasks,
      maxCapacity: profile.maxTasks,
    });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    scaling.scaleOnRequestCount('Requests', {
      requestsPerTarget: 1000,
      targetGroup: this.service.targetGroup,
    });
  }
}
