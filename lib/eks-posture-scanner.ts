import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { alarmOnScannerHealth, alertOnFailedFindings, createAlertChannels } from './alerting';
import { createFanOut } from './fan-out';
import { createScannerFunction } from './scanner-function';
import type { EksPostureScannerProps } from './scanner-props';
import { resolveSettings } from './scanner-settings';
import { scheduleScans } from './schedule';

export { METRICS_NAMESPACE, SERVICE_NAME } from './alerting';
export type {
  AlertSeverity,
  EksPostureScannerProps,
  FanOutOptions,
  OrganizationOptions,
} from './scanner-props';
export { schedulePeriod } from './scanner-settings';

/**
 * The scheduled EKS posture scanner: a Lambda that scans and publishes to Security Hub, its
 * schedule and dead-letter queue, alerts on new failed findings and on the scanner's own health,
 * and a least-privilege role.
 *
 * Its parts create their resources directly in this construct, not in constructs of their own, so
 * that every logical id stays what it was when this was one file: a deployed stack is updated in
 * place, not replaced.
 */
export class EksPostureScanner extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly alertTopic: sns.Topic;
  readonly deadLetterQueue: sqs.Queue;
  readonly key: kms.Key;
  /** Set when the scan fans out over Step Functions. */
  readonly stateMachine?: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: EksPostureScannerProps = {}) {
    super(scope, id);
    const settings = resolveSettings(props);

    const channels = createAlertChannels(this, settings);
    this.key = channels.key;
    this.alertTopic = channels.topic;
    this.deadLetterQueue = channels.deadLetterQueue;

    const scanner = createScannerFunction(this, settings, channels);
    this.function = scanner.function;
    this.role = scanner.role;

    if (settings.fanOut) {
      this.stateMachine = createFanOut(this, this.function, settings.fanOut, settings.logRetention);
    }
    scheduleScans(this, settings.schedule, {
      function: this.function,
      ...(this.stateMachine ? { stateMachine: this.stateMachine } : {}),
      deadLetterQueue: this.deadLetterQueue,
      key: this.key,
    });

    alertOnFailedFindings(this, this.alertTopic, settings.minimumAlertSeverity);
    alarmOnScannerHealth(this, settings, this.alertTopic, this.function);
  }
}
