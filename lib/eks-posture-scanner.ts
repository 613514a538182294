import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ConfigError } from '../lambda/errors';
import { SEVERITIES, type Severity } from '../lambda/model/result';
import { NEW_OR_WORSE_FIELD } from '../lambda/publish/asff-mapper';
import { GENERATOR_PREFIX } from '../lambda/publish/finding-id';
import { ENV, parsePrincipalPatterns } from '../lambda/scan/config';
import { DEFAULT_SCANNER_ROLE_NAME } from './member-role';
import { acknowledge, grantScanAndPublish, nagPartition } from './permissions';

const HANDLER_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'lambda', 'handler.ts');
export const METRICS_NAMESPACE = 'EksPosture';
export const SERVICE_NAME = 'eks-posture';

export interface OrganizationOptions {
  /** Name of the role that the member-account stack or StackSet creates in every member account. */
  readonly memberRoleName: string;
  /**
   * External id the member role requires from the scanner.
   * @default - none
   */
  readonly externalId?: string;
  /**
   * Name given to the scanner's role, which member roles trust.
   * @default 'eks-posture-scanner'
   */
  readonly scannerRoleName?: string;
}

export interface FanOutOptions {
  /**
   * Accounts scanned at once (also the function's reserved concurrency).
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * Share of accounts that may fail before the whole run is marked failed.
   * @default 10
   */
  readonly toleratedFailurePercentage?: number;
}

export interface EksPostureScannerProps {
  /**
   * When scans run, as an EventBridge Scheduler expression.
   * @default 'rate(1 day)'
   */
  readonly schedule?: string;
  /**
   * How often the schedule fires, for the alarm on missing scans. Needed with a `cron(...)` schedule.
   * @default - the interval of a `rate(...)` schedule
   */
  readonly scheduleInterval?: Duration;
  /**
   * Regions to scan.
   * @default - every region enabled in the account
   */
  readonly regions?: readonly string[];
  /**
   * Scan the member accounts of an AWS Organization through a role in each of them.
   * @default - only the account the stack is deployed in
   */
  readonly organization?: OrganizationOptions;
  /**
   * Address subscribed to the alert topic.
   * @default - no subscription; subscribe to the topic yourself
   */
  readonly alertEmail?: string;
  /**
   * Lowest severity of a new FAILED finding that is sent to the alert topic.
   * @default 'HIGH'
   */
  readonly minimumAlertSeverity?: Exclude<Severity, 'INFORMATIONAL'>;
  /**
   * Control-plane log types every cluster must send.
   * @default ['api', 'audit', 'authenticator']
   */
  readonly requiredLogTypes?: readonly string[];
  /**
   * Warn when standard support of a cluster's version ends within this many days.
   * @default 90
   */
  readonly versionWarningDays?: number;
  /**
   * IAM ARN patterns (`*` and `?`) of principals allowed to hold AmazonEKSClusterAdminPolicy
   * through an access entry; any other holder fails `cluster-admin-access`.
   * @default - none
   */
  readonly allowedAdminPrincipals?: readonly string[];
  /**
   * Memory of the scanner function, in MB.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Time limit of one scan.
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;
  /**
   * Fan an organization scan out over AWS Step Functions, one scanner invocation per account, for
   * organizations larger than one invocation can scan within its time limit. Organization mode only.
   * @default - one invocation scans every account
   */
  readonly fanOut?: FanOutOptions;
  /**
   * How long the scanner's logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/** Resolved once in the constructor. */
interface Settings {
  readonly schedule: string;
  readonly minimumAlertSeverity: Exclude<Severity, 'INFORMATIONAL'>;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The scheduled EKS posture scanner: a Lambda that scans and publishes to Security Hub, its
 * schedule and dead-letter queue, alerts on new failed findings and on the scanner's own health,
 * and a least-privilege role.
 */
export class EksPostureScanner extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly alertTopic: sns.Topic;
  readonly deadLetterQueue: sqs.Queue;
  readonly key: kms.Key;
  /** Set when the scan fans out over Step Functions. */
  readonly stateMachine?: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: EksPostureScannerProps = {}) {
    super(scope, id);
    const settings: Settings = {
      schedule: props.schedule ?? 'rate(1 day)',
      minimumAlertSeverity: props.minimumAlertSeverity ?? 'HIGH',
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.minutes(10),
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    };
    const stack = Stack.of(this);
    if (props.fanOut && !props.organization) {
      throw new ConfigError('fanOut needs organization: it scans the member accounts one invocation each');
    }
    const fanOut = props.fanOut
      ? {
          maxConcurrency: props.fanOut.maxConcurrency ?? 10,
          toleratedFailurePercentage: props.fanOut.toleratedFailurePercentage ?? 10,
        }
      : undefined;

    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the eks-posture alert topic and dead-letter queue',
      enableKeyRotation: true,
    });
    // EventBridge and CloudWatch alarms publish to the encrypted topic; SQS receives from Lambda and Scheduler.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAlertPublishers',
        principals: [
          new iam.ServicePrincipal('events.amazonaws.com'),
          new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );

    this.alertTopic = new sns.Topic(this, 'Alerts', {
      displayName: 'eks-posture alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.alertEmail)
      this.alertTopic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail));

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.deadLetterQueue, [
      ['AwsSolutions-SQS3', 'This queue is itself the dead-letter queue of the scanner.'],
    ]);

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: settings.logRetention });

    this.role = new iam.Role(this, 'Role', {
      // Member roles trust this role by name, so in organization mode it has a fixed one.
      ...(props.organization
        ? { roleName: props.organization.scannerRoleName ?? DEFAULT_SCANNER_ROLE_NAME }
        : {}),
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'eks-posture scanner: reads EKS, IAM and KMS, imports into Security Hub',
    });
    this.grantScan(props.organization);
    // Lambda sends failed asynchronous events to the KMS-encrypted dead-letter queue as this role.
    this.key.grant(this.role, 'kms:GenerateDataKey', 'kms:Decrypt');
    logGroup.grantWrite(this.role);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: HANDLER_ENTRY,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: settings.memorySize,
      timeout: settings.timeout,
      // Scans never overlap: a second one would race the first over the same findings. With a fan-out,
      // invocations scan different accounts, as many at once as the map allows.
      reservedConcurrentExecutions: fanOut ? fanOut.maxConcurrency : 1,
      role: this.role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 0,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...(props.regions ? { [ENV.regions]: props.regions.join(',') } : {}),
        ...(props.requiredLogTypes ? { [ENV.requiredLogTypes]: props.requiredLogTypes.join(',') } : {}),
        ...(props.allowedAdminPrincipals?.length
          ? {
              [ENV.allowedAdminPrincipals]: parsePrincipalPatterns(
                props.allowedAdminPrincipals.join(','),
                'allowedAdminPrincipals',
              ).join(','),
            }
          : {}),
        ...(props.versionWarningDays !== undefined
          ? { [ENV.versionWarningDays]: String(props.versionWarningDays) }
          : {}),
        ...(props.organization
          ? {
              [ENV.memberRoleName]: props.organization.memberRoleName,
              ...(props.organization.externalId ? { [ENV.externalId]: props.organization.externalId } : {}),
            }
          : {}),
        [ENV.publish]: 'true',
        [ENV.emitScanEvent]: 'true',
      },
      bundling: {
        // Local esbuild from npm; the SDK is bundled so the function runs the versions the tests ran.
        forceDockerBundling: false,
        bundleAwsSDK: true,
        minify: true,
        sourceMap: true,
        target: 'node22',
        format: nodejs.OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner:
          "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
    });

    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Lets EventBridge Scheduler start the eks-posture scan',
    });
    if (fanOut) this.stateMachine = this.fanOutStateMachine(fanOut, settings.logRetention);
    new scheduler.Schedule(this, 'Schedule', {
      schedule: scheduler.ScheduleExpression.expression(settings.schedule),
      description: 'Runs the eks-posture scan',
      target: this.stateMachine
        ? new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, {
            role: schedulerRole,
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: 2,
            maxEventAge: Duration.hours(1),
          })
        : new schedulerTargets.LambdaInvoke(this.function, {
            role: schedulerRole,
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: 2,
            maxEventAge: Duration.hours(1),
          }),
    });
    // Scheduler delivers events it could not hand over to the KMS-encrypted dead-letter queue as this role.
    this.key.grant(schedulerRole, 'kms:GenerateDataKey', 'kms:Decrypt');
    if (!this.stateMachine) {
      acknowledge(schedulerRole, [
        [
          'AwsSolutions-IAM5[Resource::<ScannerFunction7895B5B5.Arn>:*]',
          'The grant CDK writes for invoking the scanner function covers its versions and aliases; the role can invoke nothing else.',
        ],
      ]);
    }

    this.alertOnFindings(settings.minimumAlertSeverity);
    this.alarms(settings.schedule, props.scheduleInterval ?? schedulePeriod(settings.schedule));
    if (props.organization) {
      acknowledge(this.role, [
        [
          `AwsSolutions-IAM5[Resource::arn:${nagPartition(this)}:iam::*:role/${props.organization.memberRoleName}]`,
          'The scanner assumes the one named member role in each account of the organization; accounts join and leave, so the account is a wildcard and the role name is not.',
        ],
      ]);
    }
    acknowledge(this.function, [
      [
        'AwsSolutions-L1',
        'The scanner is built and tested for the nodejs22.x runtime; it moves to a newer runtime when its test suite runs on that Node version.',
      ],
    ]);
  }

  /** The read calls the scan makes, Security Hub import and read-back, and the scan-completed event. */
  private grantScan(organization?: OrganizationOptions): void {
    const stack = Stack.of(this);
    grantScanAndPublish(this.role);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ScanCompletedEvent',
        actions: ['events:PutEvents'],
        resources: [`arn:${stack.partition}:events:${stack.region}:${stack.account}:event-bus/default`],
      }),
    );
    if (organization) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'AssumeMemberRole',
          actions: ['sts:AssumeRole'],
          resources: [`arn:${stack.partition}:iam::*:role/${organization.memberRoleName}`],
        }),
      );
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ListMemberAccounts',
          actions: ['organizations:ListAccounts'],
          resources: ['*'],
        }),
      );
    }
  }

  /**
   * List the organization's accounts, then scan each in its own invocation through a Distributed
   * Map, at most `maxConcurrency` at once; the run fails only when more than the tolerated share of
   * accounts failed.
   */
  private fanOutStateMachine(
    fanOut: Required<FanOutOptions>,
    retention: logs.RetentionDays,
  ): sfn.StateMachine {
    const list = new tasks.LambdaInvoke(this, 'ListAccounts', {
      lambdaFunction: this.function,
      payload: sfn.TaskInput.fromObject({ eksPosture: { action: 'list-accounts' } }),
      payloadResponseOnly: true,
    });
    const scanAccount = new tasks.LambdaInvoke(this, 'ScanAccount', {
      lambdaFunction: this.function,
      payload: sfn.TaskInput.fromObject({
        eksPosture: { action: 'scan-account', accountId: sfn.JsonPath.stringAt('$.accountId') },
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    const map = new sfn.DistributedMap(this, 'ScanAccounts', {
      itemsPath: sfn.JsonPath.stringAt('$.accounts'),
      maxConcurrency: fanOut.maxConcurrency,
      toleratedFailurePercentage: fanOut.toleratedFailurePercentage,
      resultPath: sfn.JsonPath.DISCARD,
    });
    map.itemProcessor(scanAccount);
    const stateMachine = new sfn.StateMachine(this, 'FanOut', {
      definitionBody: sfn.DefinitionBody.fromChainable(list.next(map)),
      timeout: Duration.hours(12),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'FanOutLogs', { retention }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    const id = Stack.of(this).getLogicalId(stateMachine.node.defaultChild as CfnElement);
    const executions = `arn:${nagPartition(this)}:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${id}"}]}]}`;
    acknowledge(stateMachine, [
      [
        'AwsSolutions-IAM5[Resource::<ScannerFunction7895B5B5.Arn>:*]',
        'The grants CDK writes for invoking the scanner function cover its versions and aliases; the role can invoke nothing else.',
      ],
      [
        'AwsSolutions-IAM5[Resource::*]',
        'X-Ray tracing and CloudWatch Logs delivery of Step Functions take no narrower resource.',
      ],
      ...[`${executions}:*`, `${executions}/*:*`].map(
        (resource) =>
          [
            `AwsSolutions-IAM5[Resource::${resource}]`,
            'A Distributed Map starts and watches child executions of its own state machine, whose names are generated.',
          ] as const,
      ),
    ]);
    return stateMachine;
  }

  /**
   * Active FAILED findings of ours at or above the minimum severity that are new or worse than at the
   * last run, and not yet triaged, go to the alert topic.
   */
  private alertOnFindings(minimum: Exclude<Severity, 'INFORMATIONAL'>): void {
    const labels = SEVERITIES.slice(SEVERITIES.indexOf(minimum));
    const rule = new events.Rule(this, 'FailedFindingRule', {
      description: 'New failed eks-posture findings at or above the alert severity',
      eventPattern: {
        source: ['aws.securityhub'],
        detailType: ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            GeneratorId: [{ prefix: GENERATOR_PREFIX }],
            Compliance: { Status: ['FAILED'] },
            RecordState: ['ACTIVE'],
            Workflow: { Status: ['NEW'] },
            Severity: { Label: labels },
            // Every run re-imports every finding; only the ones that newly failed or got worse alert.
            ProductFields: { [NEW_OR_WORSE_FIELD]: ['true'] },
          },
        },
      },
    });
    rule.addTarget(
      new eventTargets.SnsTopic(this.alertTopic, {
        message: events.RuleTargetInput.fromText(
          `eks-posture ${events.EventField.fromPath('$.detail.findings[0].Severity.Label')}: ${events.EventField.fromPath(
            '$.detail.findings[0].Title',
          )} (${events.EventField.fromPath('$.detail.findings[0].Resources[0].Id')}, account ${events.EventField.fromPath(
            '$.detail.findings[0].AwsAccountId',
          )}, ${events.EventField.fromPath('$.detail.findings[0].Region')}): ${events.EventField.fromPath(
            '$.detail.findings[0].Description',
          )}`,
        ),
      }),
    );
  }

  /** The scanner's own health: errors, staleness, import failures and failed targets. */
  private alarms(schedule: string, interval: Duration): void {
    const action = new actions.SnsAction(this.alertTopic);
    const metric = (metricName: string, period: Duration) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: 'Sum',
        period,
      });
    const hour = Duration.hours(1);
    const alarms = [
      new cloudwatch.Alarm(this, 'ErrorsAlarm', {
        alarmDescription: 'The eks-posture scanner function failed',
        metric: this.function.metricErrors({ period: hour, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'ImportFailuresAlarm', {
        alarmDescription: 'Some eks-posture findings could not be imported into Security Hub',
        metric: metric('ImportFailures', hour),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'TargetsFailedAlarm', {
        alarmDescription: 'Some account or region could not be scanned by eks-posture',
        metric: metric('TargetsFailed', hour),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      this.stalenessAlarm(metric, schedule, interval),
    ];
    for (const alarm of alarms) alarm.addAlarmAction(action);
  }

  /**
   * No complete scan for more than two schedule periods: missing data counts as breaching. CloudWatch
   * evaluates at most 7 days (1 day for periods under an hour), so longer windows are cut to 7 days.
   */
  private stalenessAlarm(
    metric: (name: string, period: Duration) => cloudwatch.Metric,
    schedule: string,
    interval: Duration,
  ): cloudwatch.Alarm {
    const period = interval.toSeconds();
    const datapoint = Math.min(period, 86_400);
    const periods = Math.max(
      2,
      Math.min(Math.ceil((2 * period) / datapoint), Math.floor((7 * 86_400) / datapoint)),
    );
    return new cloudwatch.Alarm(this, 'StaleScanAlarm', {
      alarmDescription: `No complete eks-posture scan in more than two schedule periods (${schedule})`,
      metric: metric('ScanSucceeded', Duration.seconds(datapoint)),
      threshold: 1,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }
}

/** The interval of a `rate(...)` schedule; a `cron(...)` one needs it given (`scheduleInterval`). */
export function schedulePeriod(schedule: string): Duration {
  const match = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(schedule.trim());
  if (!match?.[1] || !match[2]) {
    throw new ConfigError(
      `schedule '${schedule}' is not a rate(...) expression: give scheduleInterval for the missing-scan alarm`,
    );
  }
  const amount = Number(match[1]);
  if (match[2].startsWith('minute')) return Duration.minutes(Math.max(amount, 1));
  if (match[2].startsWith('hour')) return Duration.hours(amount);
  return Duration.days(amount);
}
