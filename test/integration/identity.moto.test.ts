/**
 * What the EKS-trusted roles may do, read against moto: one GetAccountAuthorizationDetails listing
 * for the roles and customer-managed policies, and AWS-managed policies read once per run. moto
 * serves AWS's managed policies only when it loads them (`managedPolicies`), which this file asks for.
 */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  type IAMClient,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../lambda/collect/api-calls';
import { createAccountClients } from '../../lambda/collect/clients';
import { collectIdentity } from '../../lambda/collect/identity';
import { ManagedPolicyCache } from '../../lambda/collect/managed-policies';
import type { AccountIdentitySnapshot, RoleSnapshot } from '../../lambda/model/snapshot';
import { type Credentials, memberCredentials, seedClients } from '../../scripts/emulator/clients';
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS } from '../../scripts/emulator/moto';
import { useAwsProxy, useMoto } from '../support/moto-hooks';

const moto = useMoto({ resetEachTest: true, managedPolicies: true });
const proxy = useAwsProxy(moto);

const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/A1B2C3D4E5F60718293A4B5C6D7E8F90';
const S3_READ_ONLY = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
const POWER_USER = 'arn:aws:iam::aws:policy/PowerUserAccess';

const irsaTrust = (account: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/${ISSUER}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:shop:cart' } },
      },
    ],
  });
const POD_IDENTITY_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'PODS.EKS.AMAZONAWS.COM' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    },
  ],
});
const EC2_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const allow = (action: string, resource = '*') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
  });

/** An IRSA role with an inline policy, a customer- and an AWS-managed policy and a customer boundary. */
async function seedIrsaRole(iam: IAMClient, account: string): Promise<string> {
  await iam.send(new CreateRoleCommand({ RoleName: 'cart', AssumeRolePolicyDocument: irsaTrust(account) }));
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'cart',
      PolicyName: 'queue',
      PolicyDocument: allow('sqs:SendMessage', `arn:aws:sqs:eu-west-1:${account}:orders`),
    }),
  );
  const created = await iam.send(
    new CreatePolicyCommand({ PolicyName: 'cart-table', PolicyDocument: allow('dynamodb:GetItem') }),
  );
  const table = created.Policy?.Arn ?? '';
  // A second version, made the default: the role's permissions are the default version's.
  await iam.send(
    new CreatePolicyVersionCommand({
      PolicyArn: table,
      PolicyDocument: allow('dynamodb:*'),
      SetAsDefault: true,
    }),
  );
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'cart', PolicyArn: table }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'cart', PolicyArn: S3_READ_ONLY }));
  const boundary = await iam.send(
    new CreatePolicyCommand({ PolicyName: 'team-boundary', PolicyDocument: allow('*') }),
  );
  await iam.send(
    new PutRolePermissionsBoundaryCommand({
      RoleName: 'cart',
      PermissionsBoundary: boundary.Policy?.Arn ?? '',
    }),
  );
  return table;
}

async function collect(
  credentials: Credentials,
  account: string,
  cache: ManagedPolicyCache,
  through: { endpoint: string; maxAttempts: number } = { endpoint: moto.endpoint, maxAttempts: 1 },
) {
  const apiCalls = new ApiCallCounter();
  const clients = createAccountClients({
    homeRegion: 'us-east-1',
    apiCalls,
    endpoint: through.endpoint,
    credentials,
    maxAttempts: through.maxAttempts,
  });
  return { identity: await collectIdentity(clients.iam(), account, cache), apiCalls, iam: clients.iam() };
}

function role(identity: AccountIdentitySnapshot, name: string): RoleSnapshot {
  const found = identity.roles.find((r) => r.name === name);
  if (!found) throw new Error(`no role ${name}`);
  return found;
}

/** Each policy as kind, name and the actions of its statements, or the reason it is unknown. */
function summary(snapshot: RoleSnapshot) {
  const { permissions } = snapshot;
  if (!permissions) return undefined;
  const one = (p: NonNullable<typeof permissions.boundary>) => ({
    kind: p.kind,
    name: p.name,
    ...(p.arn ? { arn: p.arn } : {}),
    actions: p.document.known
      ? p.document.value.statements.flatMap((s) => s.actions ?? [])
      : p.document.reason,
  });
  return {
    policies: permissions.policies.map(one),
    ...(permissions.boundary ? { boundary: one(permissions.boundary) } : {}),
  };
}

describe('Identity: permissions of EKS-trusted roles on moto', () => {
  it('reads inline, customer- and AWS-managed policies and the boundary in one listing plus the AWS-managed reads', async () => {
    const iam = seedClients(moto.endpoint).iam();
    const table = await seedIrsaRole(iam, MOTO_ACCOUNT_ID);
    await iam.send(new CreateRoleCommand({ RoleName: 'pods', AssumeRolePolicyDocument: POD_IDENTITY_TRUST }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'pods', PolicyArn: S3_READ_ONLY }));
    await iam.send(
      new PutRolePermissionsBoundaryCommand({ RoleName: 'pods', PermissionsBoundary: POWER_USER }),
    );
    await iam.send(new CreateRoleCommand({ RoleName: 'ci', AssumeRolePolicyDocument: EC2_TRUST }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'ci', PolicyArn: table }));
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'ci', PolicyName: 'all', PolicyDocument: allow('*') }),
    );

    const { identity, apiCalls } = await collect(MOTO_CREDENTIALS, MOTO_ACCOUNT_ID, new ManagedPolicyCache());

    expect(summary(role(identity, 'cart'))).toEqual({
      policies: [
        { kind: 'inline', name: 'queue', actions: ['sqs:SendMessage'] },
        {
          kind: 'aws-managed',
          name: 'AmazonS3ReadOnlyAccess',
          arn: S3_READ_ONLY,
          actions: expect.arrayContaining(['s3:Get*', 's3:List*']),
        },
        { kind: 'customer-managed', name: 'cart-table', arn: table, actions: ['dynamodb:*'] },
      ],
      boundary: {
        kind: 'customer-managed',
        name: 'team-boundary',
        arn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:policy/team-boundary`,
        actions: ['*'],
      },
    });
    expect(summary(role(identity, 'pods'))).toEqual({
      policies: [
        {
          kind: 'aws-managed',
          name: 'AmazonS3ReadOnlyAccess',
          arn: S3_READ_ONLY,
          actions: expect.any(Array),
        },
      ],
      boundary: { kind: 'aws-managed', name: 'PowerUserAccess', arn: POWER_USER, actions: expect.any(Array) },
    });
    // The role's details for the ASFF resource come from the same pages.
    expect(role(identity, 'cart')).toMatchObject({ roleId: expect.stringMatching(/^AROA/), path: '/' });
    expect(role(identity, 'cart').createDate).toBeInstanceOf(Date);
    // The role neither check judges keeps its trust policy only.
    expect(role(identity, 'ci').trust.known).toBe(true);
    expect(role(identity, 'ci').permissions).toBeUndefined();
    // Two AWS-managed policies, each read once although two roles use the first.
    expect(apiCalls.snapshot()).toEqual({
      'iam:GetAccountAuthorizationDetails': 1,
      'iam:GetPolicy': 2,
      'iam:GetPolicyVersion': 2,
      'iam:ListOpenIDConnectProviders': 1,
      'iam:ListUsers': 1,
    });
  });

  it('reads an AWS-managed policy once for two accounts, and again for an account after another was denied it', async () => {
    const organizations = new OrganizationsClient({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      credentials: MOTO_CREDENTIALS,
    });
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const members: { id: string; credentials: Credentials }[] = [];
    for (const name of ['a', 'b', 'c']) {
      const created = await organizations.send(
        new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }),
      );
      const id = created.CreateAccountStatus?.AccountId ?? '';
      const credentials = await memberCredentials(moto.endpoint, id);
      await seedIrsaRole(seedClients(moto.endpoint, credentials).iam(), id);
      members.push({ id, credentials });
    }
    const [first, second, third] = members;
    if (!first || !second || !third) throw new Error('moto created no accounts');
    const cache = new ManagedPolicyCache();

    // The first account may not read policies (as an SCP may deny it): moto authorizes every call,
    // and the fault proxy picks its faults by operation, not by account, so a middleware on this
    // account's client answers GetPolicy with IAM's AccessDenied before the request leaves.
    const deniedCalls = new ApiCallCounter();
    const denied = createAccountClients({
      homeRegion: 'us-east-1',
      apiCalls: deniedCalls,
      endpoint: moto.endpoint,
      credentials: first.credentials,
      maxAttempts: 1,
    }).iam();
    denied.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetPolicyCommand') {
          throw Object.assign(new Error('not authorized to perform: iam:GetPolicy with an explicit deny'), {
            name: 'AccessDenied',
            $metadata: { httpStatusCode: 403 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'denyGetPolicy' },
    );
    const refused = await collectIdentity(denied, first.id, cache);
    const afterDenial = await collect(second.credentials, second.id, cache);
    const fromCache = await collect(third.credentials, third.id, cache);

    const s3 = (identity: AccountIdentitySnapshot) =>
      role(identity, 'cart').permissions?.policies.find((p) => p.arn === S3_READ_ONLY);
    // The denial makes that account's document unknown, and keeps its trust judgement and its other policies.
    expect(s3(refused)?.document).toEqual({
      known: false,
      reason:
        'iam:GetPolicy failed: AccessDenied: not authorized to perform: iam:GetPolicy with an explicit deny',
    });
    expect(role(refused, 'cart').trust.known).toBe(true);
    expect(role(refused, 'cart').permissions?.policies.filter((p) => p.document.known)).toHaveLength(2);
    // The failure was not kept: the next account read the policy, and the one after took it from the cache.
    expect(s3(afterDenial.identity)?.document.known).toBe(true);
    expect(s3(fromCache.identity)?.document).toBe(s3(afterDenial.identity)?.document);
    expect(deniedCalls.snapshot()['iam:GetPolicy']).toBe(1);
    expect(afterDenial.apiCalls.snapshot()).toMatchObject({ 'iam:GetPolicy': 1, 'iam:GetPolicyVersion': 1 });
    expect(fromCache.apiCalls.snapshot()).toEqual({
      'iam:GetAccountAuthorizationDetails': 1,
      'iam:ListOpenIDConnectProviders': 1,
      'iam:ListUsers': 1,
    });
  });

  it('retries throttled reads of the listing and of AWS-managed policies, and makes only the policy unknown once retries run out', {
    timeout: 60_000,
  }, async () => {
    await seedIrsaRole(seedClients(moto.endpoint).iam(), MOTO_ACCOUNT_ID);
    const reads = ['GetAccountAuthorizationDetails', 'GetPolicy', 'GetPolicyVersion'];
    proxy.configure(
      reads.map((operation) => ({ service: 'iam', operation, throttle: 0.5 })),
      7,
    );

    const retried = await collect(MOTO_CREDENTIALS, MOTO_ACCOUNT_ID, new ManagedPolicyCache(), {
      endpoint: proxy.endpoint,
      maxAttempts: 8,
    });

    // Seed 7 throttles each of the three at least once (4 throttles, ~8 s of backoff).
    const { byOperation } = proxy.stats();
    expect(reads.map((operation) => (byOperation[`iam:${operation}`] ?? 0) > 1)).toEqual([true, true, true]);
    expect(role(retried.identity, 'cart').permissions?.policies.every((p) => p.document.known)).toBe(true);

    // GetPolicy throttled on every attempt: that document alone is unknown; the rest of the role stands.
    proxy.configure([{ service: 'iam', operation: 'GetPolicy', throttle: 1 }], 7);
    const exhausted = await collect(MOTO_CREDENTIALS, MOTO_ACCOUNT_ID, new ManagedPolicyCache(), {
      endpoint: proxy.endpoint,
      maxAttempts: 2,
    });

    const cart = role(exhausted.identity, 'cart');
    expect(cart.trust.known).toBe(true);
    expect(cart.permissions?.policies.map((p) => [p.name, p.document.known || p.document.reason])).toEqual([
      ['queue', true],
      ['AmazonS3ReadOnlyAccess', 'iam:GetPolicy failed: Throttling: Rate exceeded'],
      ['cart-table', true],
    ]);
    expect(cart.permissions?.boundary?.document.known).toBe(true);
  });
});
