/**
 * A small but realistic account for the demo and the integration tests: clusters in two regions
 * with a mix of good and bad settings, KMS keys in several states, and IRSA roles good and bad.
 */
import { CreateClusterCommand, DescribeClusterCommand, type LogType } from '@aws-sdk/client-eks';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, DisableKeyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import type { SeedClients } from './aws-clients';
import { MOTO_ACCOUNT_ID } from './moto';

export interface ClusterSeed {
  readonly name: string;
  readonly region: string;
  readonly version: string;
  readonly publicAccess: boolean;
  readonly privateAccess: boolean;
  readonly publicAccessCidrs?: readonly string[];
  readonly keyArn?: string;
  readonly logging?: readonly { types: readonly LogType[]; enabled: boolean }[];
}

const CLUSTER_ROLE_ARN = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/eks-cluster-role`;
const ALL_LOGS: LogType[] = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

export async function createCluster(
  clients: SeedClients,
  seed: ClusterSeed,
): Promise<{ arn: string; issuer: string }> {
  const eks = clients.eks(seed.region);
  await eks.send(
    new CreateClusterCommand({
      name: seed.name,
      version: seed.version,
      roleArn: CLUSTER_ROLE_ARN,
      resourcesVpcConfig: {
        subnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
        endpointPublicAccess: seed.publicAccess,
        endpointPrivateAccess: seed.privateAccess,
        ...(seed.publicAccessCidrs ? { publicAccessCidrs: [...seed.publicAccessCidrs] } : {}),
      },
      ...(seed.keyArn
        ? { encryptionConfig: [{ resources: ['secrets'], provider: { keyArn: seed.keyArn } }] }
        : {}),
      logging: {
        clusterLogging: (seed.logging ?? [{ types: ALL_LOGS, enabled: false }]).map((l) => ({
          types: [...l.types],
          enabled: l.enabled,
        })),
      },
    }),
  );
  const described = await eks.send(new DescribeClusterCommand({ name: seed.name }));
  const arn = described.cluster?.arn;
  const issuer = described.cluster?.identity?.oidc?.issuer;
  if (!arn || !issuer) throw new Error(`the emulator returned no ARN or issuer for ${seed.name}`);
  return { arn, issuer };
}

export type KeyPlan = 'enabled' | 'disabled' | 'pending-deletion';

export async function createKey(clients: SeedClients, region: string, plan: KeyPlan): Promise<string> {
  const kms = clients.kms(region);
  const key = await kms.send(new CreateKeyCommand({ Description: `eks secrets (${plan})` }));
  const keyId = key.KeyMetadata?.KeyId;
  const arn = key.KeyMetadata?.Arn;
  if (!keyId || !arn) throw new Error('the emulator returned no key id');
  if (plan === 'disabled') await kms.send(new DisableKeyCommand({ KeyId: keyId }));
  if (plan === 'pending-deletion')
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
  return arn;
}

export async function registerProvider(clients: SeedClients, issuerUrl: string): Promise<string> {
  const answer = await clients.iam().send(
    new CreateOpenIDConnectProviderCommand({
      Url: issuerUrl,
      ClientIDList: ['sts.amazonaws.com'],
      ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
    }),
  );
  if (!answer.OpenIDConnectProviderArn) throw new Error('the emulator returned no provider ARN');
  return answer.OpenIDConnectProviderArn;
}

export async function createRole(clients: SeedClients, name: string, trustPolicy: unknown): Promise<string> {
  const document = typeof trustPolicy === 'string' ? trustPolicy : JSON.stringify(trustPolicy);
  const answer = await clients
    .iam()
    .send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: document }));
  if (!answer.Role?.Arn) throw new Error(`the emulator returned no ARN for role ${name}`);
  return answer.Role.Arn;
}

/** A trust policy for IRSA: one statement, the provider as principal, the given conditions. */
export function irsaTrust(
  providerArn: string,
  condition?: Record<string, Record<string, string | string[]>>,
) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  };
}

export function issuerHost(issuerUrl: string): string {
  return issuerUrl.replace(/^https:\/\//, '');
}

export interface DemoAccount {
  readonly clusters: Record<string, string>;
  readonly roles: Record<string, string>;
  readonly regions: readonly string[];
}

/** Seeds the demo account: six clusters in us-east-1 and eu-west-1, four keys, eight roles. */
export async function seedDemoAccount(clients: SeedClients): Promise<DemoAccount> {
  await createRole(clients, 'eks-cluster-role', {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  const keys = {
    east: await createKey(clients, 'us-east-1', 'enabled'),
    eastPending: await createKey(clients, 'us-east-1', 'pending-deletion'),
    west: await createKey(clients, 'eu-west-1', 'enabled'),
    westDisabled: await createKey(clients, 'eu-west-1', 'disabled'),
  };
  const seeds: ClusterSeed[] = [
    {
      name: 'payments-prod',
      region: 'us-east-1',
      version: '1.35',
      publicAccess: false,
      privateAccess: true,
      keyArn: keys.east,
      logging: [
        { types: ['api', 'audit', 'authenticator'], enabled: true },
        { types: ['controllerManager', 'scheduler'], enabled: false },
      ],
    },
    {
      name: 'analytics',
      region: 'us-east-1',
      version: '1.32',
      publicAccess: true,
      privateAccess: false,
      // Two halves of the IPv4 internet: open, however it is spelled.
      publicAccessCidrs: ['0.0.0.0/1', '128.0.0.0/1'],
      logging: [
        { types: ['api'], enabled: true },
        { types: ['audit', 'authenticator', 'controllerManager', 'scheduler'], enabled: false },
      ],
    },
    {
      name: 'legacy-batch',
      region: 'us-east-1',
      version: '1.29',
      publicAccess: true,
      privateAccess: true,
      publicAccessCidrs: ['203.0.113.0/24'],
      keyArn: keys.eastPending,
    },
    {
      name: 'web-eu',
      region: 'eu-west-1',
      version: '1.34',
      publicAccess: true,
      privateAccess: true,
      publicAccessCidrs: ['198.51.100.0/24', '192.0.2.10/32'],
      keyArn: keys.westDisabled,
      logging: [{ types: ALL_LOGS, enabled: true }],
    },
    {
      name: 'ml-sandbox',
      region: 'eu-west-1',
      version: '1.27',
      publicAccess: true,
      privateAccess: false,
      publicAccessCidrs: ['::/0'],
    },
    {
      name: 'edge-canary',
      region: 'eu-west-1',
      version: '1.36',
      publicAccess: false,
      privateAccess: true,
      keyArn: keys.west,
      logging: [{ types: ALL_LOGS, enabled: true }],
    },
  ];
  const clusters: Record<string, string> = {};
  const issuers: Record<string, string> = {};
  for (const seed of seeds) {
    const made = await createCluster(clients, seed);
    clusters[seed.name] = made.arn;
    issuers[seed.region] = made.issuer; // the emulator gives every cluster of a region one issuer
  }
  const east = await registerProvider(clients, issuers['us-east-1'] ?? '');
  const west = await registerProvider(clients, issuers['eu-west-1'] ?? '');
  const eastHost = issuerHost(issuers['us-east-1'] ?? '');
  const westHost = issuerHost(issuers['eu-west-1'] ?? '');
  const gone = `arn:aws:iam::${MOTO_ACCOUNT_ID}:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF`;
  const roles: Record<string, string> = {
    'payments-api': await createRole(
      clients,
      'payments-api',
      irsaTrust(east, {
        StringEquals: {
          [`${eastHost}:sub`]: 'system:serviceaccount:payments:api',
          [`${eastHost}:aud`]: 'sts.amazonaws.com',
        },
      }),
    ),
    'analytics-reader': await createRole(
      clients,
      'analytics-reader',
      irsaTrust(east, {
        StringLike: { [`${eastHost}:sub`]: 'system:serviceaccount:analytics:*' },
        StringEquals: { [`${eastHost}:aud`]: 'sts.amazonaws.com' },
      }),
    ),
    's3-writer': await createRole(
      clients,
      's3-writer',
      irsaTrust(east, {
        StringLike: { [`${eastHost}:sub`]: 'system:serviceaccount:*:s3-writer' },
        StringEquals: { [`${eastHost}:aud`]: 'sts.amazonaws.com' },
      }),
    ),
    'ci-deployer': await createRole(
      clients,
      'ci-deployer',
      irsaTrust(east, { StringEquals: { [`${eastHost}:aud`]: 'sts.amazonaws.com' } }),
    ),
    'log-shipper': await createRole(
      clients,
      'log-shipper',
      irsaTrust(west, {
        StringNotEquals: { [`${westHost}:sub`]: 'system:serviceaccount:kube-system:default' },
        StringEquals: { [`${westHost}:aud`]: 'sts.amazonaws.com' },
      }),
    ),
    'web-eu-assets': await createRole(
      clients,
      'web-eu-assets',
      irsaTrust(west, { StringEquals: { [`${westHost}:sub`]: 'system:serviceaccount:web:assets' } }),
    ),
    'old-cluster-role': await createRole(
      clients,
      'old-cluster-role',
      irsaTrust(gone, {
        StringEquals: {
          'oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub':
            'system:serviceaccount:jobs:runner',
          'oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud': 'sts.amazonaws.com',
        },
      }),
    ),
    'ec2-instance': await createRole(clients, 'ec2-instance', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    }),
  };
  return { clusters, roles, regions: ['eu-west-1', 'us-east-1'] };
}
