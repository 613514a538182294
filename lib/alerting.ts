/**
 * Where the scanner's alerts and failed deliveries go, and what raises an alert: new failed
 * findings, and the scanner's own health. Resources are created in the scope given (the scanner
 * construct), so their logical ids are those of the scanner's own children.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { GENERATOR_PREFIX } from '../lambda/model/finding-id';
import { SEVERITIES } from '../lambda/model/result';
import { MUTED_FIELD, NEW_OR_WORSE_FIELD } from '../lambda/publish/asff-mapper';
import { acknowledge } from './permissions';
import type { AlertSeverity } from './scanner-props';
import type { ScannerSettings } from './scanner-settings';

/** Where the alarms read the scanner's metrics; the function is told them through its environment. */
export const METRICS_NAMESPACE = 'EksPosture';
export const SERVICE_NAME = 'eks-posture';

/** The alert topic and the dead-letter queue, both encrypted with one customer key. */
export interface AlertChannels {
  readonly key: kms.Key;
  readonly topic: sns.Topic;
  readonly deadLetterQueue: sqs.Queue;
}

export function createAlertChannels(scope: Construct, settings: ScannerSettings): AlertChannels {
  const key = new kms.Key(scope, 'Key', {
    description: 'Encrypts the eks-posture alert topic and dead-letter queue',
    enableKeyRotation: true,
  });
  // EventBridge and CloudWatch alarms publish to the encrypted topic; SQS receives from Lambda and Scheduler.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowAlertPublishers',
      principals: [
        new iam.ServicePrincipal('events.amazonaws.com'),
        new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
      ],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  );

  const topic = new sns.Topic(scope, 'Alerts', {
    displayName: 'eks-posture alerts',
    masterKey: key,
    enforceSSL: true,
  });
  if (settings.alertEmail) topic.addSubscription(new subscriptions.EmailSubscription(settings.alertEmail));

  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledge(deadLetterQueue, [
    ['AwsSolutions-SQS3', 'This queue is itself the dead-letter queue of the scanner.'],
  ]);
  return { key, topic, deadLetterQueue };
}

/**
 * Active FAILED findings of ours at or above the minimum severity that are new or worse than at the
 * last run, and not yet triaged, go to the alert topic.
 */
export function alertOnFailedFindings(scope: Construct, topic: sns.ITopic, minimum: AlertSeverity): void {
  const labels = SEVERITIES.slice(SEVERITIES.indexOf(minimum));
  const rule = new events.Rule(scope, 'FailedFindingRule', {
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
          // The scanner's own view: the top-level Severity is the customer's to change after creation.
          FindingProviderFields: { Severity: { Label: labels } },
          // Only findings that newly failed or got worse alert, and never an accepted (muted) risk.
          ProductFields: { [NEW_OR_WORSE_FIELD]: ['true'], [MUTED_FIELD]: [{ exists: false }] },
        },
      },
    },
  });
  const field = (path: string) => events.EventField.fromPath(`$.detail.findings[0].${path}`);
  rule.addTarget(
    new eventTargets.SnsTopic(topic, {
      message: events.RuleTargetInput.fromText(
        `eks-posture ${field('FindingProviderFields.Severity.Label')}: ${field('Title')} (${field('Resources[0].Id')}, account ${field(
          'AwsAccountId',
        )}, ${field('Region')}): ${field('Description')}`,
      ),
    }),
  );
}

/** The scanner's own health, to the alert topic: errors, staleness, import failures and failed targets. */
export function alarmOnScannerHealth(
  scope: Construct,
  settings: ScannerSettings,
  topic: sns.ITopic,
  scanner: lambda.IFunction,
): void {
  const hour = Duration.hours(1);
  const alarms = [
    new cloudwatch.Alarm(scope, 'ErrorsAlarm', {
      alarmDescription: 'The eks-posture scanner function failed',
      metric: scanner.metricErrors({ period: hour, statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(scope, 'ImportFailuresAlarm', {
      alarmDescription: 'Some eks-posture findings could not be imported into Security Hub',
      metric: scannerMetric('ImportFailures', hour),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(scope, 'TargetsFailedAlarm', {
      alarmDescription: 'Some account or region could not be scanned by eks-posture',
      metric: scannerMetric('TargetsFailed', hour),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    stalenessAlarm(scope, settings.schedule, settings.scheduleInterval),
  ];
  const action = new actions.SnsAction(topic);
  for (const alarm of alarms) alarm.addAlarmAction(action);
}

/** A metric the scanner emits through Powertools. */
function scannerMetric(metricName: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: 'Sum',
    period,
  });
}

/**
 * No complete scan for more than two schedule periods: missing data counts as breaching. CloudWatch
 * evaluates at most 7 days (1 day for periods under an hour), so longer windows are cut to 7 days.
 */
function stalenessAlarm(scope: Construct, schedule: string, interval: Duration): cloudwatch.Alarm {
  const period = interval.toSeconds();
  const datapoint = Math.min(period, 86_400);
  const periods = Math.max(
    2,
    Math.min(Math.ceil((2 * period) / datapoint), Math.floor((7 * 86_400) / datapoint)),
  );
  return new cloudwatch.Alarm(scope, 'StaleScanAlarm', {
    alarmDescription: `No complete eks-posture scan in more than two schedule periods (${schedule})`,
    metric: scannerMetric('ScanSucceeded', Duration.seconds(datapoint)),
    threshold: 1,
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
}
