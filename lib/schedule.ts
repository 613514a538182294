/**
 * The schedule that starts every scan, created in the scope given (the scanner construct), so its
 * logical ids are those of the scanner's own children.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { acknowledge, nagArn } from './permissions';

export interface ScanTarget {
  readonly function: lambda.IFunction;
  /** Started instead of the function when the scan fans out. */
  readonly stateMachine?: sfn.IStateMachine;
  /** Takes the events Scheduler could not deliver. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Encrypts the dead-letter queue. */
  readonly key: kms.IKey;
}

/** An EventBridge Scheduler schedule that invokes the function, or starts the fan-out. */
export function scheduleScans(scope: Construct, expression: string, target: ScanTarget): void {
  const role = new iam.Role(scope, 'SchedulerRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
    description: 'Lets EventBridge Scheduler start the eks-posture scan',
  });
  const delivery = {
    role,
    deadLetterQueue: target.deadLetterQueue,
    retryAttempts: 2,
    maxEventAge: Duration.hours(1),
  };
  new scheduler.Schedule(scope, 'Schedule', {
    schedule: scheduler.ScheduleExpression.expression(expression),
    description: 'Runs the eks-posture scan',
    target: target.stateMachine
      ? new schedulerTargets.StepFunctionsStartExecution(target.stateMachine, delivery)
      : new schedulerTargets.LambdaInvoke(target.function, delivery),
  });
  // Scheduler delivers events it could not hand over to the KMS-encrypted dead-letter queue as this role.
  target.key.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
  if (!target.stateMachine) {
    acknowledge(role, [
      [
        `AwsSolutions-IAM5[Resource::${nagArn(target.function)}:*]`,
        'The grant CDK writes for invoking the scanner function covers its versions and aliases; the role can invoke nothing else.',
      ],
    ]);
  }
}
