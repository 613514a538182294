/**
 * Paths moto cannot serve, covered with aws-sdk-client-mock in the shapes of the AWS API reference:
 * DescribeClusterVersions (moto lacks it), URL-encoded and paginated GetAccountAuthorizationDetails
 * (moto returns raw documents, one page), and denials and throttling of single reads (moto
 * authorizes everything).
 */
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeClusterCommand,
  type DescribeClusterCommandOutput,
  DescribeClusterVersionsCommand,
  EKSClient,
  ListAddonsCommand,
  ListClustersCommand,
  ListInsightsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import {
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListUsersCommand,
  type RoleDetail,
} from '@aws-sdk/client-iam';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../lambda/collect/api-calls';
import { createAccountClients } from '../../lambda/collect/clients';
import { VersionSupport } from '../../lambda/collect/version-support';
import type { PermissionPolicy } from '../../lambda/policy/permission-document';
import { DEFAULT_SCAN_CONFIG } from '../../lambda/scan/config';
import { runScan } from '../../lambda/scan/scan';
import { mockRegionServices } from '../support/region-service-mocks';
import { checksPer } from '../support/results';

const CLUSTER_CHECKS = checksPer('AwsEksCluster');

const ACCOUNT = '111122223333';
const NOW = new Date('2026-11-23T12:00:00Z');
const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/A1B2C3D4E5F60718293A4B5C6D7E8F90';
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;
const KEY = `arn:aws:kms:eu-west-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const eks = mockClient(EKSClient);
const iam = mockClient(IAMClient);
const kms = mockClient(KMSClient);
const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);
const regionServices = mockRegionServices();

function awsError(name: string, message: string, status: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: 'client' });
}

function describedCluster(name: string): Omit<DescribeClusterCommandOutput, '$metadata'> {
  return {
    cluster: {
      name,
      arn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/${name}`,
      version: '1.33',
      status: 'ACTIVE',
      resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true, publicAccessCidrs: [] },
      encryptionConfig: [{ resources: ['secrets'], provider: { keyArn: KEY } }],
      logging: { clusterLogging: [{ types: ['api', 'audit', 'authenticator'], enabled: true }] },
      identity: { oidc: { issuer: `https://${ISSUER}` } },
    },
  };
}

const trust = (condition: Record<string, Record<string, string>>) =>
  encodeURIComponent(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Principal: { Federated: PROVIDER },
        Action: ['sts:AssumeRoleWithWebIdentity'],
        Condition: condition,
      },
    }),
  );

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const allow = (action: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const ec2Trust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const irsaDocument = trust({
  StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:a:b', [`${ISSUER}:aud`]: 'sts.amazonaws.com' },
});

/** A role as GetAccountAuthorizationDetails lists it, its documents URL-encoded as AWS sends them. */
function roleDetail(name: string, trustDocument: string, extra: Partial<RoleDetail> = {}): RoleDetail {
  return {
    RoleName: name,
    Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    Path: '/',
    RoleId: `AROA${name.toUpperCase()}`,
    CreateDate: NOW,
    AssumeRolePolicyDocument: trustDocument,
    RolePolicyList: [],
    AttachedManagedPolicies: [],
    InstanceProfileList: [],
    Tags: [],
    ...extra,
  };
}

const actionsOf = (policy: PermissionPolicy) => policy.statements.flatMap((s) => s.actions ?? []);

beforeEach(() => {
  regionServices.empty();
  eks.on(ListAddonsCommand).resolves({ addons: [] });
  eks.on(ListInsightsCommand).resolves({ insights: [] });
  iam.on(ListUsersCommand).resolves({ Users: [] });
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:role/scanner` });
  ec2
    .on(DescribeRegionsCommand)
    .resolves({ Regions: [{ RegionName: 'eu-west-1' }, { RegionName: 'us-east-1' }] });
  eks.on(ListClustersCommand).resolves({ clusters: ['alpha', 'beta'] });
  eks.on(DescribeClusterCommand, { name: 'alpha' }).resolves(describedCluster('alpha'));
  eks.on(DescribeClusterCommand, { name: 'beta' }).resolves(describedCluster('beta'));
  eks.on(DescribeClusterVersionsCommand).resolves({
    clusterVersions: [
      {
        clusterVersion: '1.33',
        versionStatus: 'EXTENDED_SUPPORT',
        endOfStandardSupportDate: new Date('2026-07-29T00:00:00Z'),
        endOfExtendedSupportDate: new Date('2027-07-29T00:00:00Z'),
      },
    ],
  });
  kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k', KeyState: 'Enabled' } });
  iam.on(ListOpenIDConnectProvidersCommand).resolves({ OpenIDConnectProviderList: [{ Arn: PROVIDER }] });
  iam
    .on(GetAccountAuthorizationDetailsCommand)
    .resolves({ RoleDetailList: [], Policies: [], IsTruncated: false });
});

afterEach(() => {
  for (const mock of [eks, iam, kms, sts, ec2]) mock.reset();
  regionServices.reset();
});

/** @param regions `'enabled'` to let the scan list the account's enabled regions */
async function scan(regions: string[] | 'enabled' = ['eu-west-1']) {
  const apiCalls = new ApiCallCounter();
  return runScan({
    accounts: [
      {
        clients: createAccountClients({
          homeRegion: 'eu-west-1',
          apiCalls,
          credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        }),
      },
    ],
    apiCalls,
    homeRegion: 'eu-west-1',
    ...(regions === 'enabled' ? {} : { regions }),
    config: DEFAULT_SCAN_CONFIG,
    clock: () => NOW,
  });
}

describe('Collector: DescribeClusterVersions', () => {
  it('takes support status and dates from the API, asking for all versions', async () => {
    const { report } = await scan();

    const version = report.results.find((r) => r.checkId === 'supported-version');
    expect(version).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(version?.detail).toContain('until 2027-07-29');
    expect(version?.detail).toContain('from DescribeClusterVersions');
    expect(eks.commandCalls(DescribeClusterVersionsCommand)[0]?.args[0].input).toMatchObject({
      includeAll: true,
    });
  });

  it('derives a status from the dates when the API gives none', async () => {
    eks.on(DescribeClusterVersionsCommand).resolves({
      clusterVersions: [
        { clusterVersion: '1.33', endOfStandardSupportDate: new Date('2027-01-10T00:00:00Z') },
      ],
    });

    const catalog = await catalogOf(new EKSClient({ region: 'eu-west-1' }));

    expect(catalog).toMatchObject({
      source: 'api',
      versions: [{ version: '1.33', status: 'STANDARD_SUPPORT' }],
    });
  });

  it('falls back to the bundled calendar and says why when the API is denied', async () => {
    eks.on(DescribeClusterVersionsCommand).rejects(awsError('AccessDeniedException', 'not authorized', 403));

    const catalog = await catalogOf(new EKSClient({ region: 'eu-west-1' }));

    expect(catalog.source).toBe('calendar');
    expect(catalog.note).toContain('AccessDeniedException: not authorized');
  });

  it("tries the next account's credentials when the first account may not read version support", async () => {
    eks
      .on(DescribeClusterVersionsCommand)
      .rejectsOnce(awsError('AccessDeniedException', 'not authorized', 403))
      .resolves({ clusterVersions: [{ clusterVersion: '1.35', versionStatus: 'STANDARD_SUPPORT' }] });
    const [first, second, third] = ['a', 'b', 'c'].map(() => new EKSClient({ region: 'eu-west-1' }));
    const support = new VersionSupport(() => NOW);

    for (const client of [first, second, third]) if (client) support.offer('eu-west-1', client);
    const catalog = (await support.catalogs()).get('eu-west-1');

    expect(catalog).toMatchObject({ source: 'api', versions: [{ version: '1.35' }] });
    // The denied account, then the next one; once one answered, no other account is asked.
    expect(eks.commandCalls(DescribeClusterVersionsCommand).map((c) => c.thisValue)).toEqual([first, second]);
  });

  it('asks at most three accounts of a region, however many are denied', async () => {
    eks
      .on(DescribeClusterVersionsCommand)
      .rejects(awsError('AccessDeniedException', 'denied by an SCP', 403));
    const support = new VersionSupport(() => NOW);

    for (let i = 0; i < 10; i++) support.offer('eu-west-1', new EKSClient({ region: 'eu-west-1' }));

    expect((await support.catalogs()).get('eu-west-1')?.note).toContain('denied by an SCP');
    expect(eks.commandCalls(DescribeClusterVersionsCommand)).toHaveLength(3);
  });

  it('does not ask another account when the endpoint lacks the operation', async () => {
    eks
      .on(DescribeClusterVersionsCommand)
      .rejects(Object.assign(new SyntaxError('Unexpected token'), { $metadata: { httpStatusCode: 404 } }));
    const support = new VersionSupport(() => NOW);

    support.offer('eu-west-1', new EKSClient({ region: 'eu-west-1' }));
    support.offer('eu-west-1', new EKSClient({ region: 'eu-west-1' }));

    expect((await support.catalogs()).get('eu-west-1')?.source).toBe('calendar');
    expect(eks.commandCalls(DescribeClusterVersionsCommand)).toHaveLength(1);
  });

  it('recognises an endpoint that lacks the operation (404 with an HTML body)', async () => {
    eks.on(DescribeClusterVersionsCommand).rejects(
      Object.assign(new SyntaxError('Unexpected token \'<\', "<!doctype "... is not valid JSON'), {
        $metadata: { httpStatusCode: 404 },
      }),
    );

    const catalog = await catalogOf(new EKSClient({ region: 'eu-west-1' }));

    expect(catalog.note).toContain('the endpoint does not implement DescribeClusterVersions');
  });
});

/** The catalog one account's client reads for its region. */
async function catalogOf(client: EKSClient) {
  const support = new VersionSupport(() => NOW);
  support.offer('eu-west-1', client);
  const catalog = (await support.catalogs()).get('eu-west-1');
  if (!catalog) throw new Error('no catalog');
  return catalog;
}

describe('Collector: GetAccountAuthorizationDetails', () => {
  it('decodes URL-encoded trust documents and follows every page', async () => {
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({
        RoleDetailList: [
          {
            RoleName: 'good',
            Arn: `arn:aws:iam::${ACCOUNT}:role/good`,
            Path: '/',
            RoleId: 'A',
            CreateDate: NOW,
            AssumeRolePolicyDocument: trust({
              StringEquals: {
                [`${ISSUER}:sub`]: 'system:serviceaccount:a:b',
                [`${ISSUER}:aud`]: 'sts.amazonaws.com',
              },
            }),
          },
        ],
        IsTruncated: true,
        Marker: 'page-2',
      })
      .resolvesOnce({
        RoleDetailList: [
          {
            RoleName: 'wide',
            Arn: `arn:aws:iam::${ACCOUNT}:role/wide`,
            Path: '/',
            RoleId: 'B',
            CreateDate: NOW,
            AssumeRolePolicyDocument: trust({
              StringLike: {
                [`${ISSUER}:sub`]: 'system:serviceaccount:*',
                [`${ISSUER}:aud`]: 'sts.amazonaws.com',
              },
            }),
          },
        ],
        IsTruncated: false,
      });

    const { report } = await scan();

    const roles = report.results.filter((r) => r.checkId === 'irsa-trust-policy');
    expect(roles.map((r) => [r.resource.name, r.status, r.severity])).toEqual([
      ['good', 'PASSED', 'INFORMATIONAL'],
      // The listing gives the role no policy: a wide trust on a role that may do little is MEDIUM.
      ['wide', 'FAILED', 'MEDIUM'],
    ]);
    // The paginator reuses one input object, so only the last call's Marker can be read back.
    const calls = iam.commandCalls(GetAccountAuthorizationDetailsCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls.every((input) => input.MaxItems === 1000)).toBe(true);
    expect(calls.every((input) => input.Filter?.join() === 'Role,LocalManagedPolicy')).toBe(true);
    expect(calls[1]?.Marker).toBe('page-2');
  });

  it('gives EKS-trusted roles their inline, attached and boundary policies from the listing, and other roles none', async () => {
    const local = `arn:aws:iam::${ACCOUNT}:policy/team/orders`;
    const gone = `arn:aws:iam::${ACCOUNT}:policy/created-meanwhile`;
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({
        RoleDetailList: [
          roleDetail('app', irsaDocument, {
            RolePolicyList: [
              { PolicyName: 'queue', PolicyDocument: encodeURIComponent(allow('sqs:SendMessage')) },
            ],
            AttachedManagedPolicies: [
              { PolicyName: 'orders', PolicyArn: local },
              { PolicyName: 'created-meanwhile', PolicyArn: gone },
              { PolicyName: 'ReadOnlyAccess', PolicyArn: READ_ONLY },
            ],
            PermissionsBoundary: {
              PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
              PermissionsBoundaryArn: READ_ONLY,
            },
          }),
          roleDetail('deployer', encodeURIComponent(JSON.stringify(ec2Trust)), {
            RolePolicyList: [{ PolicyName: 'all', PolicyDocument: encodeURIComponent(allow('*')) }],
            AttachedManagedPolicies: [{ PolicyName: 'orders', PolicyArn: local }],
          }),
        ],
        IsTruncated: true,
        Marker: 'policies',
      })
      .resolvesOnce({
        // The customer-managed policies may come on a later page than the roles that use them.
        Policies: [
          {
            PolicyName: 'orders',
            Arn: local,
            DefaultVersionId: 'v2',
            PolicyVersionList: [
              {
                VersionId: 'v1',
                IsDefaultVersion: false,
                Document: encodeURIComponent(allow('dynamodb:GetItem')),
              },
              { VersionId: 'v2', IsDefaultVersion: true, Document: encodeURIComponent(allow('dynamodb:*')) },
            ],
          },
        ],
        IsTruncated: false,
      });
    iam.on(GetPolicyCommand).resolves({ Policy: { Arn: READ_ONLY, DefaultVersionId: 'v9' } });
    iam.on(GetPolicyVersionCommand, { PolicyArn: READ_ONLY, VersionId: 'v9' }).resolves({
      PolicyVersion: {
        VersionId: 'v9',
        IsDefaultVersion: true,
        Document: encodeURIComponent(allow('s3:Get*')),
      },
    });

    const { snapshot } = await scan();

    const roles = snapshot.accounts[0]?.identity?.roles ?? [];
    const app = roles.find((r) => r.name === 'app');
    expect(
      app?.permissions?.policies.map((p) => [
        p.kind,
        p.name,
        p.document.known ? actionsOf(p.document.value) : p.document.reason,
      ]),
    ).toEqual([
      ['inline', 'queue', ['sqs:SendMessage']],
      ['aws-managed', 'ReadOnlyAccess', ['s3:Get*']],
      [
        'customer-managed',
        'created-meanwhile',
        'iam:GetAccountAuthorizationDetails did not list the policy (created during the scan?)',
      ],
      ['customer-managed', 'orders', ['dynamodb:*']],
    ]);
    expect(app?.permissions?.boundary).toMatchObject({
      kind: 'aws-managed',
      arn: READ_ONLY,
      name: 'ReadOnlyAccess',
    });
    // The boundary and the attachment share one read of the AWS-managed policy.
    expect(iam.commandCalls(GetPolicyCommand)).toHaveLength(1);
    expect(iam.commandCalls(GetPolicyVersionCommand)).toHaveLength(1);
    expect(roles.find((r) => r.name === 'deployer')?.permissions).toBeUndefined();
  });

  it.each([
    ['iam:GetPolicy', (error: Error) => iam.on(GetPolicyCommand).rejects(error)],
    ['iam:GetPolicyVersion', (error: Error) => iam.on(GetPolicyVersionCommand).rejects(error)],
  ] as const)(
    'keeps the trust judgement of a role whose AWS-managed policy %s fails, making only that document unknown',
    async (operation, deny) => {
      iam.on(GetAccountAuthorizationDetailsCommand).resolves({
        RoleDetailList: [
          roleDetail('app', irsaDocument, {
            RolePolicyList: [
              { PolicyName: 'queue', PolicyDocument: encodeURIComponent(allow('sqs:SendMessage')) },
            ],
            AttachedManagedPolicies: [{ PolicyName: 'ReadOnlyAccess', PolicyArn: READ_ONLY }],
          }),
        ],
        IsTruncated: false,
      });
      iam.on(GetPolicyCommand).resolves({ Policy: { Arn: READ_ONLY, DefaultVersionId: 'v9' } });
      iam
        .on(GetPolicyVersionCommand)
        .resolves({ PolicyVersion: { Document: encodeURIComponent(allow('s3:Get*')) } });
      deny(awsError('AccessDenied', `not authorized to perform ${operation}`, 403));

      const { report, snapshot } = await scan();

      const app = snapshot.accounts[0]?.identity?.roles.find((r) => r.name === 'app');
      expect(app?.permissions?.policies.map((p) => p.document)).toEqual([
        { known: true, value: expect.anything() },
        { known: false, reason: `${operation} failed: AccessDenied: not authorized to perform ${operation}` },
      ]);
      expect(report.targets).toContainEqual({ accountId: ACCOUNT, region: 'global', status: 'SCANNED' });
      expect(report.results.filter((r) => r.checkId === 'irsa-trust-policy').map((r) => r.status)).toEqual([
        'PASSED',
      ]);
    },
  );
});

describe('Scan: partial failure', () => {
  it('fails a denied region alone and scans the others', async () => {
    eks
      .on(ListClustersCommand)
      .rejects(awsError('AccessDeniedException', 'User is not authorized to perform eks:ListClusters', 403));

    const { report } = await scan(['eu-west-1']);

    expect(report.targets).toContainEqual({
      accountId: ACCOUNT,
      region: 'eu-west-1',
      status: 'FAILED',
      error: `eks:ListClusters failed in account ${ACCOUNT}, eu-west-1: AccessDeniedException: User is not authorized to perform eks:ListClusters`,
    });
    expect(report.targets).toContainEqual({ accountId: ACCOUNT, region: 'global', status: 'SCANNED' });
  });

  it('keeps a cluster deleted between listing and describing as NOT_AVAILABLE, and reports the rest', async () => {
    eks.on(DescribeClusterCommand, { name: 'beta' }).rejects(
      new ResourceNotFoundException({
        message: 'No cluster found for name: beta.',
        $metadata: { httpStatusCode: 404 },
      }),
    );

    const { report } = await scan();

    const beta = report.results.filter((r) => r.resource.name === 'beta');
    expect(beta).toHaveLength(CLUSTER_CHECKS);
    expect(
      beta.every((r) => r.status === 'NOT_AVAILABLE' && r.detail.includes('ResourceNotFoundException')),
    ).toBe(true);
    expect(
      report.results
        .filter((r) => r.resource.name === 'alpha' && r.status !== 'NOT_AVAILABLE')
        .map((r) => r.checkId),
    ).toEqual([
      'control-plane-log-retention',
      'control-plane-logging',
      'endpoint-public-access',
      'secrets-encryption',
      'supported-version',
    ]);
    expect(report.targets.every((t) => t.status === 'SCANNED')).toBe(true);
  });

  it('keeps the configured encryption status when another account’s key cannot be described', async () => {
    kms
      .on(DescribeKeyCommand)
      .rejects(awsError('AccessDeniedException', 'key policy does not allow kms:DescribeKey', 403));

    const { report } = await scan();

    const encryption = report.results.find((r) => r.checkId === 'secrets-encryption');
    expect(encryption).toMatchObject({ status: 'PASSED' });
    expect(encryption?.detail).toContain(
      'state is unknown because kms:DescribeKey failed: AccessDeniedException',
    );
  });

  it('fails the IAM target when roles cannot be listed, and still reports clusters', async () => {
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .rejects(awsError('AccessDenied', 'not authorized to perform iam:GetAccountAuthorizationDetails', 403));

    const { report } = await scan();

    expect(report.targets).toContainEqual(
      expect.objectContaining({
        region: 'global',
        status: 'FAILED',
        error: expect.stringContaining('iam:GetAccountAuthorizationDetails failed'),
      }),
    );
    expect(report.results.filter((r) => r.resource.type === 'AwsEksCluster')).toHaveLength(
      2 * CLUSTER_CHECKS,
    );
    expect(report.results.filter((r) => r.resource.type === 'AwsIamRole')).toHaveLength(0);
  });

  it('keeps a cluster whose description is invalid, naming the bad field', async () => {
    eks
      .on(DescribeClusterCommand, { name: 'beta' })
      .resolves({ cluster: { name: 'beta', arn: 'not-an-arn' } });

    const { report } = await scan();

    const beta = report.results.find((r) => r.resource.name === 'beta');
    expect(beta?.status).toBe('NOT_AVAILABLE');
    expect(beta?.detail).toContain('invalid cluster (arn:');
  });

  it('reads only enabled regions when none are given', async () => {
    ec2.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'eu-west-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'af-south-1', OptInStatus: 'not-opted-in' },
        { RegionName: 'me-south-1', OptInStatus: 'opted-in' },
      ],
    });
    const { report } = await scan('enabled');

    expect(report.targets.map((t) => t.region)).toEqual(['eu-west-1', 'global', 'me-south-1']);
  });
});

describe('Scan: a huge account', () => {
  it('reads 5,000 roles with trust documents at the 2,048-character limit in five listing pages, judging each', async () => {
    const subjects = Array.from(
      { length: 40 },
      (_, i) => `system:serviceaccount:team-${String(i).padStart(2, '0')}:app`,
    );
    const audience = { [`${ISSUER}:aud`]: 'sts.amazonaws.com' };
    // Every tenth role admits a whole namespace instead of named service accounts.
    const document = (n: number) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: PROVIDER },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition:
              n % 10 === 0
                ? { StringLike: { [`${ISSUER}:sub`]: 'system:serviceaccount:ops:*' }, StringEquals: audience }
                : { StringEquals: { [`${ISSUER}:sub`]: subjects, ...audience } },
          },
        ],
      }).padEnd(2048, ' ');
    const page = (p: number) => ({
      RoleDetailList: Array.from({ length: 1000 }, (_, i) => {
        const n = p * 1000 + i;
        return {
          RoleName: `r${n}`,
          Arn: `arn:aws:iam::${ACCOUNT}:role/r${n}`,
          Path: '/',
          RoleId: `R${n}`,
          CreateDate: NOW,
          AssumeRolePolicyDocument: encodeURIComponent(document(n)),
        };
      }),
      IsTruncated: p < 4,
      ...(p < 4 ? { Marker: `m${p}` } : {}),
    });
    expect(document(1)).toHaveLength(2048);
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce(page(0))
      .resolvesOnce(page(1))
      .resolvesOnce(page(2))
      .resolvesOnce(page(3))
      .resolvesOnce(page(4));

    const { report } = await scan();

    const roles = report.results.filter((r) => r.checkId === 'irsa-trust-policy');
    expect(iam.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(5);
    expect(roles).toHaveLength(5000);
    expect(roles.filter((r) => r.status === 'PASSED')).toHaveLength(4500);
    // Namespace-wide trust on roles the listing gives no policy: LOW (lambda/policy/role-severity.ts).
    expect(roles.filter((r) => r.status === 'FAILED' && r.severity === 'LOW')).toHaveLength(500);
  });
});

describe('Scan: the partition of an account', () => {
  it('is decided once, from the caller identity, for every finding of the account', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: ACCOUNT, Arn: `arn:aws-us-gov:iam::${ACCOUNT}:role/scanner` });

    const { coverage } = await scan();

    expect(coverage.scopes.map((s) => [s.region, s.partition])).toEqual([['eu-west-1', 'aws-us-gov']]);
  });

  it('fails the account, with the reason, when findings could not name its partition, instead of guessing aws', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: ACCOUNT, Arn: `arn:aws-iso:iam::${ACCOUNT}:role/scanner` });

    const { report, coverage } = await scan();

    expect(report.targets).toEqual([
      {
        accountId: ACCOUNT,
        region: 'global',
        status: 'FAILED',
        error: `account ${ACCOUNT} is in partition 'aws-iso', which Security Hub findings cannot name (supported: aws, aws-cn, aws-us-gov)`,
      },
    ]);
    expect(report.results).toEqual([]);
    expect(coverage.scopes).toEqual([]);
    expect(eks.commandCalls(ListClustersCommand)).toHaveLength(0);
  });

  it('fails the account when the caller identity names no partition at all', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });

    const { report } = await scan();

    expect(report.targets).toEqual([
      expect.objectContaining({ status: 'FAILED', error: expect.stringContaining('no valid ARN') }),
    ]);
  });
});

describe('Scan: a region that failed', () => {
  it("still reports the account's role results that belong to it, as every region the scan covers does", async () => {
    // The home region's clusters cannot be listed; its IAM data was read all the same.
    eks.on(ListClustersCommand).callsFake(async (_input, getClient) => {
      if ((await getClient().config.region()) === 'eu-west-1') {
        throw awsError('AccessDeniedException', 'not authorized', 403);
      }
      return { clusters: [] };
    });
    const podIdentity = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
        },
      ],
    });
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({
      RoleDetailList: [
        {
          RoleName: 'shared',
          Arn: `arn:aws:iam::${ACCOUNT}:role/shared`,
          AssumeRolePolicyDocument: encodeURIComponent(podIdentity),
          Path: '/',
          RoleId: 'AROA1',
          CreateDate: NOW,
        },
      ],
      IsTruncated: false,
    });

    const { report } = await scan(['eu-west-1', 'us-east-1']);

    expect(report.targets).toContainEqual(expect.objectContaining({ region: 'eu-west-1', status: 'FAILED' }));
    // The provider of an eu-west-1 issuer is in use or not: no cluster of the failed region is known.
    expect(report.results.map((r) => [r.checkId, r.region, r.status])).toEqual([
      ['oidc-provider-in-use', 'eu-west-1', 'NOT_AVAILABLE'],
      ['pod-identity-trust-policy', 'eu-west-1', 'FAILED'],
    ]);
  });
});

describe('Scan: IRSA results with --regions', () => {
  it('reports the result of an issuer whose region is scanned, whatever the order of the issuers the role trusts', async () => {
    const east = 'oidc.eks.us-east-1.amazonaws.com/id/0F1E2D3C4B5A69788796A5B4C3D2E1F0';
    const statement = (issuer: string) => ({
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      // No :sub condition: every service account of the cluster may assume the role.
      Condition: { StringEquals: { [`${issuer}:aud`]: 'sts.amazonaws.com' } },
    });
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({
      RoleDetailList: [
        {
          RoleName: 'wide',
          Arn: `arn:aws:iam::${ACCOUNT}:role/wide`,
          AssumeRolePolicyDocument: encodeURIComponent(
            JSON.stringify({ Version: '2012-10-17', Statement: [statement(ISSUER), statement(east)] }),
          ),
          Path: '/',
          RoleId: 'AROA2',
          CreateDate: NOW,
        },
      ],
      IsTruncated: false,
    });

    const { report } = await scan(['us-east-1']);

    // Before one result per issuer, the role's one result sat in eu-west-1 (its first issuer, sorted)
    // and a scan of us-east-1 alone reported nothing of it. No policy is listed for the role, so its
    // wide trust is MEDIUM (lambda/policy/role-severity.ts).
    expect(
      report.results
        .filter((r) => r.checkId === 'irsa-trust-policy')
        .map((r) => [r.region, r.oidcIssuer, r.status, r.severity]),
    ).toEqual([['us-east-1', east.toLowerCase(), 'FAILED', 'MEDIUM']]);
  });
});
