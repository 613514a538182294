/**
 * The Lambda handler as it runs, built by its factory from real clients pointed at moto: settings,
 * logger, metrics and clock injected, no bundle. The scan-completed event goes through the same
 * client factory as every other call (timeouts, retries, counting) and reaches the default bus.
 */
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { type ClientOptions, createAccountClients } from '../../lambda/collect/clients';
import { createHandler, type HandlerLogger, type HandlerMetrics } from '../../lambda/lambda-handler';
import { SCAN_EVENT_SOURCE, type ScanCompleted } from '../../lambda/report/scan-completed';
import { parseLambdaEnvironment } from '../../lambda/scan/config';
import { createOrganizationWithMember, seedClients } from '../../scripts/emulator/clients';
import { demoMutelist, seedDemoAccount } from '../../scripts/emulator/demo-account';
import { MOTO_CREDENTIALS } from '../../scripts/emulator/moto';
import { useMoto } from '../support/moto-hooks';

const moto = useMoto({ resetEachTest: true });

/** What the handler logged and measured, as Powertools would have written it. */
function recorders() {
  const logs: { level: string; message: string; attributes: Record<string, unknown> }[] = [];
  const metrics: Record<string, number> = {};
  const logger: HandlerLogger = {
    info: (message, attributes) => logs.push({ level: 'info', message, attributes }),
    warn: (message, attributes) => logs.push({ level: 'warn', message, attributes }),
    error: (message, attributes) => logs.push({ level: 'error', message, attributes }),
  };
  const recorder: HandlerMetrics = {
    addMetric: (name, _unit, value) => {
      metrics[name] = (metrics[name] ?? 0) + value;
    },
    publishStoredMetrics: () => undefined,
  };
  return { logs, metrics, logger, recorder };
}

function handlerFor(env: Record<string, string>, record: ReturnType<typeof recorders>) {
  const config = parseLambdaEnvironment({
    AWS_REGION: 'us-east-1',
    EKS_POSTURE_REGIONS: 'eu-west-1',
    ...env,
  });
  return createHandler(config, {
    createClients: (options: ClientOptions) =>
      createAccountClients({
        ...options,
        endpoint: moto.endpoint,
        credentials: options.credentials ?? MOTO_CREDENTIALS,
        maxAttempts: 2,
      }),
    logger: record.logger,
    metrics: record.recorder,
  });
}

/** A queue that receives every scan-completed event of the default bus. */
async function eventQueue(): Promise<() => Promise<ScanCompleted[]>> {
  const common = { region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
  const sqs = new SQSClient(common);
  const events = new EventBridgeClient(common);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'scan-events' }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await events.send(
    new PutRuleCommand({ Name: 'scans', EventPattern: JSON.stringify({ source: [SCAN_EVENT_SOURCE] }) }),
  );
  await events.send(
    new PutTargetsCommand({ Rule: 'scans', Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }] }),
  );
  return async () => {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    return (Messages ?? []).map((m) => (JSON.parse(m.Body ?? '{}') as { detail: ScanCompleted }).detail);
  };
}

describe('Handler: createHandler', () => {
  it('scans, publishes, counts a complete run once, and sends the scan-completed event through the counted clients', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));
    const received = await eventQueue();
    const record = recorders();

    const completed = await handlerFor({}, record)({ 'detail-type': 'Scheduled Event' });

    expect(completed).toMatchObject({ failedTargets: [], published: { complete: true } });
    const [event] = await received();
    expect(event).toMatchObject({
      scanId: (completed as ScanCompleted).scanId,
      runId: (completed as ScanCompleted).scanId,
    });
    expect(record.metrics).toMatchObject({ ScanSucceeded: 1, TargetsFailed: 0 });
    expect(record.metrics).not.toHaveProperty('AccountsScanned');
    const summary = record.logs.find((l) => l.message === 'scan completed');
    expect(summary?.attributes.apiCalls).toMatchObject({ 'events:PutEvents': 1 });
    expect(record.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('in fan-out, counts each account once as an account, never as a whole run, and names the run', async () => {
    const member = await createOrganizationWithMember(moto.endpoint);
    const received = await eventQueue();
    const record = recorders();
    const handler = handlerFor({ EKS_POSTURE_MEMBER_ROLE_NAME: 'OrganizationAccountAccessRole' }, record);

    const completed = await handler({
      eksPosture: { action: 'scan-account', accountId: member, runId: 'execution-7' },
    });

    expect(completed).toMatchObject({ runId: 'execution-7', accounts: [member] });
    expect(record.metrics).toMatchObject({ AccountsScanned: 1, AccountsIncomplete: 0 });
    expect(record.metrics).not.toHaveProperty('ScanSucceeded');
    expect(await received()).toEqual([expect.objectContaining({ runId: 'execution-7', accounts: [member] })]);
  });

  it("counts the fan-out's run once, when its last step says it completed", async () => {
    const record = recorders();
    const handler = handlerFor({ EKS_POSTURE_MEMBER_ROLE_NAME: 'OrganizationAccountAccessRole' }, record);

    expect(await handler({ eksPosture: { action: 'run-completed', runId: 'execution-7' } })).toEqual({
      runId: 'execution-7',
      counted: true,
    });
    expect(record.metrics).toEqual({ ScanSucceeded: 1 });
  });

  it('refuses a fanned-out account id that is not one, in one line naming the input', async () => {
    const handler = handlerFor(
      { EKS_POSTURE_MEMBER_ROLE_NAME: 'OrganizationAccountAccessRole' },
      recorders(),
    );
    await expect(
      handler({ eksPosture: { action: 'scan-account', accountId: 'not-an-account' } }),
    ).rejects.toThrow("eksPosture.accountId: 'not-an-account' is not a 12-digit AWS account id");
  });

  it('reads its mutelist from the SSM parameter at every scan, and mutes and counts what it matches', async () => {
    // Prepare
    await seedDemoAccount(seedClients(moto.endpoint));
    const ssm = new SSMClient({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      credentials: MOTO_CREDENTIALS,
    });
    await ssm.send(
      new PutParameterCommand({
        Name: '/security/eks-mutelist',
        Type: 'String',
        Value: demoMutelist(new Date()),
      }),
    );
    const record = recorders();
    const handler = handlerFor(
      {
        EKS_POSTURE_MUTELIST_PARAMETER: '/security/eks-mutelist',
        EKS_POSTURE_CHECKS: 'endpoint-public-access',
      },
      record,
    );

    // Act
    const completed = (await handler({ 'detail-type': 'Scheduled Event' })) as ScanCompleted;

    // Assess: the sandbox's public endpoint is muted, and is not among the failures that count.
    expect(completed.muted).toBe(1);
    expect(completed.failedBySeverity.HIGH).toBe(0);
    expect(completed.results.FAILED).toBe(2);
  });

  it('stops before scanning when its mutelist parameter is missing or not valid, naming it', async () => {
    const ssm = new SSMClient({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      credentials: MOTO_CREDENTIALS,
    });
    await ssm.send(
      new PutParameterCommand({
        Name: 'broken-mutelist',
        Type: 'String',
        Value: 'mutelist:\n  - checks: [nope]\n',
      }),
    );
    const record = recorders();

    await expect(
      handlerFor({ EKS_POSTURE_MUTELIST_PARAMETER: '/security/absent' }, record)({}),
    ).rejects.toThrow(/^mutelist parameter \/security\/absent: ssm:GetParameter failed: /);
    await expect(
      handlerFor({ EKS_POSTURE_MUTELIST_PARAMETER: 'broken-mutelist' }, record)({}),
    ).rejects.toThrow("mutelist parameter broken-mutelist: entry 1: checks: unknown check id 'nope'");
    expect(record.logs.some((l) => l.message === 'scan completed')).toBe(false);
  });
});
