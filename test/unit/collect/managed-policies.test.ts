/**
 * The run's cache of AWS-managed policies. Two accounts are two IAM clients; aws-sdk-client-mock
 * stands in for them because the behaviour under test is who calls when (moto authorizes every
 * call and answers at once, so it can neither deny one account nor hold a read in flight).
 */
import { GetPolicyCommand, GetPolicyVersionCommand, IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { isAwsManagedPolicy, ManagedPolicyCache } from '../../../lambda/collect/managed-policies';

const ARN = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const DOCUMENT = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }],
  }),
);

const mockOf = (iam: IAMClient) => mockClient(iam);
type IamMock = ReturnType<typeof mockOf>;

function account(): { iam: IAMClient; mock: IamMock } {
  const iam = new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const mock = mockOf(iam);
  mock.on(GetPolicyCommand).resolves({ Policy: { Arn: ARN, DefaultVersionId: 'v3' } });
  mock.on(GetPolicyVersionCommand, { PolicyArn: ARN, VersionId: 'v3' }).resolves({
    PolicyVersion: { VersionId: 'v3', IsDefaultVersion: true, Document: DOCUMENT },
  });
  return { iam, mock };
}

function denied(mock: IamMock): void {
  mock
    .on(GetPolicyCommand)
    .rejects(Object.assign(new Error('explicit deny in a service control policy'), { name: 'AccessDenied' }));
}

describe('Class: ManagedPolicyCache', () => {
  it('reads a policy once for every account of the run, concurrent requests sharing the read', async () => {
    // Prepare
    const cache = new ManagedPolicyCache();
    const first = account();
    const second = account();

    // Act
    const [a, b] = await Promise.all([cache.document(first.iam, ARN), cache.document(second.iam, ARN)]);
    const later = await cache.document(second.iam, ARN);

    // Assess
    expect(a).toMatchObject({ known: true, value: { statements: [{ actions: ['s3:Get*'] }] } });
    expect(b).toBe(a);
    expect(later).toBe(a);
    expect(first.mock.commandCalls(GetPolicyCommand)).toHaveLength(1);
    expect(first.mock.commandCalls(GetPolicyVersionCommand)).toHaveLength(1);
    expect(second.mock.calls()).toHaveLength(0);
  });

  it('keeps no failure: the account denied gets the reason, and the next account reads again', async () => {
    // Prepare
    const cache = new ManagedPolicyCache();
    const refused = account();
    denied(refused.mock);
    const allowed = account();

    // Act
    const failure = await cache.document(refused.iam, ARN);
    const success = await cache.document(allowed.iam, ARN);

    // Assess
    expect(failure).toEqual({
      known: false,
      reason: 'iam:GetPolicy failed: AccessDenied: explicit deny in a service control policy',
    });
    expect(success.known).toBe(true);
    expect(allowed.mock.commandCalls(GetPolicyCommand)).toHaveLength(1);
  });

  it("reads with an account's own credentials when the read it waited for, another account's, failed", async () => {
    // Prepare
    const cache = new ManagedPolicyCache();
    const refused = account();
    denied(refused.mock);
    const allowed = account();

    // Act
    const [failure, success] = await Promise.all([
      cache.document(refused.iam, ARN),
      cache.document(allowed.iam, ARN),
    ]);
    const again = await cache.document(refused.iam, ARN);

    // Assess
    expect(failure.known).toBe(false);
    expect(success.known).toBe(true);
    // Once an account has read it, the denied account gets it from the cache too.
    expect(again).toBe(success);
    expect(refused.mock.commandCalls(GetPolicyCommand)).toHaveLength(1);
  });

  it('shares the failure among the requests of the account that made the read', async () => {
    // Prepare
    const cache = new ManagedPolicyCache();
    const refused = account();
    denied(refused.mock);

    // Act
    const answers = await Promise.all([cache.document(refused.iam, ARN), cache.document(refused.iam, ARN)]);

    // Assess
    expect(answers.every((a) => !a.known)).toBe(true);
    expect(refused.mock.commandCalls(GetPolicyCommand)).toHaveLength(1);
  });

  it('keeps a document IAM returned but that cannot be parsed: every account would get the same', async () => {
    // Prepare
    const cache = new ManagedPolicyCache();
    const first = account();
    first.mock.on(GetPolicyVersionCommand).resolves({ PolicyVersion: { Document: '%7Bnot json' } });
    const second = account();

    // Act
    const a = await cache.document(first.iam, ARN);
    const b = await cache.document(second.iam, ARN);

    // Assess
    expect(a).toMatchObject({ known: false, reason: expect.stringContaining('not valid JSON') });
    expect(b).toBe(a);
    expect(second.mock.calls()).toHaveLength(0);
  });

  it('says why when IAM names no default version or returns no document, and tries again later', async () => {
    // Prepare
    const cache = new ManagedPolicyCache();
    const first = account();
    first.mock.on(GetPolicyCommand).resolves({ Policy: { Arn: ARN } });
    const second = account();
    second.mock.on(GetPolicyVersionCommand).resolves({ PolicyVersion: {} });

    // Act
    const none = await cache.document(first.iam, ARN);
    const empty = await cache.document(second.iam, ARN);

    // Assess
    expect(none).toEqual({ known: false, reason: 'iam:GetPolicy named no default version' });
    expect(empty).toEqual({ known: false, reason: 'iam:GetPolicyVersion returned no document for v3' });
  });
});

describe('Function: isAwsManagedPolicy', () => {
  it.each([
    ['arn:aws:iam::aws:policy/ReadOnlyAccess', true],
    ['arn:aws-us-gov:iam::aws:policy/service-role/AmazonEKSClusterPolicy', true],
    ['arn:aws-cn:iam::aws:policy/AdministratorAccess', true],
    ['arn:aws:iam::111122223333:policy/aws/ReadOnlyAccess', false],
  ])('%s is AWS-managed: %s', (arn, expected) => {
    expect(isAwsManagedPolicy(arn)).toBe(expected);
  });
});
