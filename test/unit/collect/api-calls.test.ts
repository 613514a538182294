/** The call counter's timings, which the bench turns into each region's critical path. */
import { Readable } from 'node:stream';
import { EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../../lambda/collect/api-calls';

/** A client whose every request is answered at once, without a network: the counter's middleware still runs. */
function answeringClient(accessKeyId: string): EKSClient {
  return new EKSClient({
    region: 'eu-west-1',
    credentials: { accessKeyId, secretAccessKey: 'secret' },
    requestHandler: {
      handle: async () => ({
        response: {
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: Readable.from([Buffer.from('{"clusters":[]}')]),
        },
      }),
    },
  });
}

describe('Class: ApiCallCounter', () => {
  it('keeps each call’s operation, region, access key, start and end when asked, counting as before', async () => {
    // Prepare
    const counter = new ApiCallCounter({ timings: true });
    const first = answeringClient('AKIDFIRST');
    const second = answeringClient('AKIDSECOND');
    counter.attach(first, 'eks');
    counter.attach(second, 'eks');

    // Act
    await first.send(new ListClustersCommand({}));
    await second.send(new ListClustersCommand({}));

    // Assess
    expect(counter.snapshot()).toEqual({ 'eks:ListClusters': 2 });
    const timings = await counter.timings();
    expect(timings.map(({ operation, region, accessKeyId }) => ({ operation, region, accessKeyId }))).toEqual(
      [
        { operation: 'eks:ListClusters', region: 'eu-west-1', accessKeyId: 'AKIDFIRST' },
        { operation: 'eks:ListClusters', region: 'eu-west-1', accessKeyId: 'AKIDSECOND' },
      ],
    );
    const [a, b] = timings;
    expect(a && b && a.startMs <= a.endMs && a.endMs <= b.startMs && b.startMs <= b.endMs).toBe(true);
  });

  it('keeps no timings unless asked', async () => {
    // Prepare
    const counter = new ApiCallCounter();
    const client = answeringClient('AKID');
    counter.attach(client, 'eks');

    // Act
    await client.send(new ListClustersCommand({}));

    // Assess
    expect(counter.snapshot()).toEqual({ 'eks:ListClusters': 1 });
    expect(await counter.timings()).toEqual([]);
  });
});
