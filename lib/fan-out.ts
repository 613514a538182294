/**
 * The organization scan fanned out over AWS Step Functions, created in the scope given (the scanner
 * construct), so its logical ids are those of the scanner's own children.
 */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { acknowledge, nagAccount, nagArn, nagLogicalId, nagPartition, nagRegion } from './permissions';
import type { FanOutSettings } from './scanner-settings';

/**
 * List the organization's accounts, then scan each in its own invocation through a Distributed
 * Map, at most `maxConcurrency` at once; the run fails only when more than the tolerated share of
 * accounts failed.
 */
export function createFanOut(
  scope: Construct,
  scanner: lambda.IFunction,
  fanOut: FanOutSettings,
  retention: logs.RetentionDays,
): sfn.StateMachine {
  const list = new tasks.LambdaInvoke(scope, 'ListAccounts', {
    lambdaFunction: scanner,
    payload: sfn.TaskInput.fromObject({ eksPosture: { action: 'list-accounts' } }),
    payloadResponseOnly: true,
  });
  const scanAccount = new tasks.LambdaInvoke(scope, 'ScanAccount', {
    lambdaFunction: scanner,
    payload: sfn.TaskInput.fromObject({
      eksPosture: {
        action: 'scan-account',
        accountId: sfn.JsonPath.stringAt('$.accountId'),
        runId: sfn.JsonPath.stringAt('$.runId'),
      },
    }),
    payloadResponseOnly: true,
    retryOnServiceExceptions: true,
  });
  const map = new sfn.DistributedMap(scope, 'ScanAccounts', {
    itemsPath: sfn.JsonPath.stringAt('$.accounts'),
    // Evaluated in the parent execution: every account's invocation names the run it belongs to.
    itemSelector: {
      accountId: sfn.JsonPath.stringAt('$$.Map.Item.Value.accountId'),
      runId: sfn.JsonPath.stringAt('$$.Execution.Name'),
    },
    maxConcurrency: fanOut.maxConcurrency,
    toleratedFailurePercentage: fanOut.toleratedFailurePercentage,
    resultPath: sfn.JsonPath.DISCARD,
  });
  map.itemProcessor(scanAccount);
  // Reached only when no more than the tolerated share of accounts failed: the run is counted once, here.
  const completed = new tasks.LambdaInvoke(scope, 'RunCompleted', {
    lambdaFunction: scanner,
    payload: sfn.TaskInput.fromObject({
      eksPosture: { action: 'run-completed', runId: sfn.JsonPath.stringAt('$$.Execution.Name') },
    }),
    payloadResponseOnly: true,
    retryOnServiceExceptions: true,
  });
  const stateMachine = new sfn.StateMachine(scope, 'FanOut', {
    definitionBody: sfn.DefinitionBody.fromChainable(list.next(map).next(completed)),
    timeout: Duration.hours(12),
    tracingEnabled: true,
    logs: {
      destination: new logs.LogGroup(scope, 'FanOutLogs', { retention }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: false,
    },
  });
  acknowledgeFanOut(stateMachine, scanner);
  return stateMachine;
}

function acknowledgeFanOut(stateMachine: sfn.StateMachine, scanner: lambda.IFunction): void {
  // The execution ARNs CDK writes for a Distributed Map, as cdk-nag prints them.
  const name = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${nagLogicalId(stateMachine)}"}]}]}`;
  const executions = `arn:${nagPartition(stateMachine)}:states:${nagRegion(stateMachine)}:${nagAccount(stateMachine)}:execution:${name}`;
  acknowledge(stateMachine, [
    [
      `AwsSolutions-IAM5[Resource::${nagArn(scanner)}:*]`,
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
}
