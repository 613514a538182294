/**
 * The deployed artefact, not the source: synthesize the app, take the bundled handler out of the
 * cloud assembly, give it the environment the template gives the function, invoke it with a
 * scheduled event against moto, and read the findings back from Security Hub.
 */
import { existsSync } from 'node:fs';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { seedClients } from '../../scripts/emulator/clients';
import { seedDemoAccount } from '../../scripts/emulator/demo-account';
import { MOTO_CREDENTIALS } from '../../scripts/emulator/moto';
import { useMoto } from '../support/moto-hooks';
import { checksPer } from '../support/results';
import { buildApp, deployedFunction, loadBundledHandler } from './app-support';

const moto = useMoto();

describe('Bundle: the synthesized scanner function', () => {
  it('scans moto on a scheduled event, imports findings and announces the scan', async () => {
    const synthesized = buildApp({ scanner: { regions: ['eu-west-1', 'us-east-1'] } });
    expect(synthesized.synthError).toBeUndefined();
    expect(existsSync(deployedFunction(synthesized.outdir).entry)).toBe(true);
    await seedDemoAccount(seedClients(moto.endpoint));
    // A rule on the default bus that copies scan-completed events into a queue, to read them back.
    const common = { region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
    const sqs = new SQSClient(common);
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'scan-events' }))).QueueUrl ?? '';
    const queueArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    const events = new EventBridgeClient(common);
    await events.send(
      new PutRuleCommand({
        Name: 'scan-completed',
        EventPattern: JSON.stringify({ source: ['eks-posture'] }),
      }),
    );
    await events.send(
      new PutTargetsCommand({ Rule: 'scan-completed', Targets: [{ Id: 'queue', Arn: queueArn }] }),
    );

    const handler = await loadBundledHandler(synthesized.outdir, moto.endpoint);

    const summary = await handler({ 'detail-type': 'Scheduled Event', source: 'aws.scheduler', detail: {} });

    // Per region: one result per check for each cluster and node group, for the account there, and
    // for each OIDC provider of an issuer there (us-east-1 holds a leftover one), plus the IRSA roles
    // whose issuer is there; the Pod Identity roles go to the home region, us-east-1. The emulator
    // serves no add-ons.
    const expected = {
      'eu-west-1':
        3 * checksPer('AwsEksCluster') +
        checksPer('AwsEksNodegroup') +
        checksPer('AwsAccount') +
        checksPer('AwsIamOidcProvider') +
        2,
      'us-east-1':
        3 * checksPer('AwsEksCluster') +
        3 * checksPer('AwsEksNodegroup') +
        checksPer('AwsAccount') +
        2 * checksPer('AwsIamOidcProvider') +
        4 +
        2,
    };
    const imported = expected['eu-west-1'] + expected['us-east-1'];
    expect(summary).toMatchObject({
      targets: 3,
      failedTargets: [],
      published: { imported, archived: 0, failed: 0, complete: true },
    });
    for (const [region, count] of Object.entries(expected)) {
      const hub = new SecurityHubClient({ ...common, region });
      expect((await hub.send(new GetFindingsCommand({ MaxResults: 100 }))).Findings).toHaveLength(count);
    }
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1 }),
    );
    const event = JSON.parse(received.Messages?.[0]?.Body ?? '{}') as {
      'detail-type'?: string;
      detail?: unknown;
    };
    expect(event['detail-type']).toBe('EKS Posture Scan Completed');
    expect(event.detail).toMatchObject({ targets: 3, published: { imported } });
  });
});
