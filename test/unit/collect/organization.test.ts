/** Member-role credentials: STS is mocked, because moto checks neither trust nor expiry. */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { memberRoleCredentials } from '../../../lambda/collect/organization';

const sts = mockClient(STSClient);
afterEach(() => sts.reset());

const ROLE = { partition: 'aws', roleName: 'eks-posture-member', externalId: 'x' };

describe('Function: memberRoleCredentials', () => {
  it('assumes the role once, and once more shortly before expiry however many callers wait', async () => {
    let now = new Date('2026-11-23T12:00:00Z');
    sts.on(AssumeRoleCommand).callsFake(async () => ({
      Credentials: {
        AccessKeyId: 'AKIA',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(now.getTime() + 3_600_000),
      },
    }));
    const provider = memberRoleCredentials(
      new STSClient({ region: 'us-east-1' }),
      '111122223333',
      ROLE,
      () => now,
    );

    await Promise.all([provider(), provider(), provider()]);
    now = new Date(now.getTime() + 57 * 60_000); // within five minutes of expiry
    await Promise.all([provider(), provider(), provider()]);

    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toMatchObject({
      RoleArn: 'arn:aws:iam::111122223333:role/eks-posture-member',
      ExternalId: 'x',
      DurationSeconds: 3600,
    });
  });

  it('remembers a denial for the run instead of asking again on every call', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const provider = memberRoleCredentials(new STSClient({ region: 'us-east-1' }), '111122223333', ROLE);

    await expect(provider()).rejects.toThrow(
      'cannot assume arn:aws:iam::111122223333:role/eks-posture-member: AccessDenied',
    );
    await expect(provider()).rejects.toThrow('cannot assume');

    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('tries a transient failure again (throttling, 5xx, timeout) before giving the account up', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .rejectsOnce(
        Object.assign(new Error('Service unavailable'), {
          name: 'ServiceUnavailable',
          $metadata: { httpStatusCode: 503 },
        }),
      )
      .resolves({
        Credentials: {
          AccessKeyId: 'AKIA',
          SecretAccessKey: 'secret',
          SessionToken: 't',
          Expiration: new Date('2099-01-01T00:00:00Z'),
        },
      });
    const provider = memberRoleCredentials(
      new STSClient({ region: 'us-east-1' }),
      '111122223333',
      ROLE,
      () => new Date(),
      FAST_RETRY,
    );

    await expect(provider()).resolves.toMatchObject({ accessKeyId: 'AKIA' });
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(3);
  });

  it('does not remember a transient failure for the run: after a cool-down, the next use tries again', async () => {
    let now = new Date('2026-11-23T12:00:00Z');
    sts
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error('Connection timed out'), { name: 'TimeoutError' }));
    const provider = memberRoleCredentials(
      new STSClient({ region: 'us-east-1' }),
      '111122223333',
      ROLE,
      () => now,
      FAST_RETRY,
    );

    await expect(provider()).rejects.toThrow(
      'cannot assume arn:aws:iam::111122223333:role/eks-posture-member: TimeoutError',
    );
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(3);
    // Within the cool-down every waiting client fails at once: throttled STS is not asked again.
    await expect(provider()).rejects.toThrow('TimeoutError');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(3);

    now = new Date(now.getTime() + 61_000);
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'AKIA2',
        SecretAccessKey: 'secret',
        SessionToken: 't',
        Expiration: new Date('2099-01-01T00:00:00Z'),
      },
    });

    await expect(provider()).resolves.toMatchObject({ accessKeyId: 'AKIA2' });
  });
});

const FAST_RETRY = { attempts: 3, backoffMs: 1, cooldownMs: 60_000 };
