/**
 * The round trips a region's reads take in sequence. Every answer is held until the test releases
 * a wave: all calls pending at that moment answer together, then the collector runs until it waits
 * again. The number of waves is the region's critical path in round trips, whatever the latency.
 * aws-sdk-client-mock, because moto answers at once and cannot hold a call back.
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeLaunchTemplateVersionsCommand,
  DescribeRouteTablesCommand,
  type DescribeRouteTablesCommandInput,
  DescribeSecurityGroupsCommand,
  type DescribeSecurityGroupsCommandInput,
  DescribeSubnetsCommand,
  type DescribeSubnetsCommandInput,
  EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';
import {
  DescribeAddonCommand,
  DescribeAddonVersionsCommand,
  DescribeClusterCommand,
  DescribeClusterVersionsCommand,
  DescribeInsightCommand,
  DescribeNodegroupCommand,
  DescribePodIdentityAssociationCommand,
  EKSClient,
  ListAccessEntriesCommand,
  ListAddonsCommand,
  ListAssociatedAccessPoliciesCommand,
  ListClustersCommand,
  ListInsightsCommand,
  ListNodegroupsCommand,
  ListPodIdentityAssociationsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AddonOffers } from '../../../lambda/collect/addons';
import { createAccountClients } from '../../../lambda/collect/clients';
import { collectRegion } from '../../../lambda/collect/region';
import { VersionSupport } from '../../../lambda/collect/version-support';
import type { RegionSnapshot } from '../../../lambda/model/snapshot';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const TARGET = { accountId: ACCOUNT, partition: 'aws', region: REGION };
const CLUSTERS = Array.from({ length: 20 }, (_, i) => `c${String(i).padStart(2, '0')}`);
/** Four VPCs shared by the twenty clusters, each with one subnet the node groups use. */
const vpcOf = (i: number) => `vpc-${i % 4}`;
const subnetOf = (vpc: string) => `subnet-${vpc.slice(4)}`;
const indexOf = (name: string) => CLUSTERS.indexOf(name);
const keyArn = (i: number) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/k${i}`;

const eks = mockClient(EKSClient);
const ec2 = mockClient(EC2Client);
const logs = mockClient(CloudWatchLogsClient);
const guardduty = mockClient(GuardDutyClient);
const kms = mockClient(KMSClient);

/** Answers held until released in waves; each call notes the wave it was made in. */
class Waves {
  private pending: (() => void)[] = [];
  private released = 0;
  readonly made: { operation: string; wave: number }[] = [];

  hold<T>(operation: string, answer: () => T): Promise<T> {
    this.made.push({ operation, wave: this.released + 1 });
    return new Promise<T>((resolve, reject) => {
      this.pending.push(() => {
        try {
          resolve(answer());
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  /** Releases waves until the work is done; returns its result and the number of waves it took. */
  async run<T>(work: Promise<T>): Promise<{ result: T; waves: number }> {
    let outcome: { result: T } | { error: unknown } | undefined;
    work.then(
      (result) => {
        outcome = { result };
      },
      (error: unknown) => {
        outcome = { error };
      },
    );
    await settle();
    while (outcome === undefined) {
      const wave = this.pending.splice(0);
      if (wave.length === 0) throw new Error('the collector waits for nothing the test holds');
      this.released += 1;
      for (const answer of wave) answer();
      await settle();
    }
    if ('error' in outcome) throw outcome.error;
    return { result: outcome.result, waves: this.released };
  }

  /** Calls made per operation. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { operation } of this.made) counts[operation] = (counts[operation] ?? 0) + 1;
    return counts;
  }

  /** The waves an operation's calls were made in, without repeats. */
  wavesOf(operation: string): number[] {
    return [...new Set(this.made.filter((m) => m.operation === operation).map((m) => m.wave))];
  }
}

/** Lets every microtask and pending immediate run: the collector goes as far as it can. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

// Every client is mocked: none of these reaches AWS.
const clients = createAccountClients({
  homeRegion: REGION,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

const valuesOf = (filters: readonly Filter[] | undefined, name: string) =>
  filters?.find((f) => f.Name === name)?.Values ?? [];

let waves: Waves;

/** A region of twenty clusters, each with a node group, an access entry, a Pod Identity association and a secrets key. */
function seedRegion(options: { nodegroupSubnet?: (cluster: string) => string } = {}): void {
  const subnetFor = options.nodegroupSubnet ?? ((name: string) => subnetOf(vpcOf(indexOf(name))));
  eks
    .on(ListClustersCommand)
    .callsFake(() => waves.hold('eks:ListClusters', () => ({ clusters: [...CLUSTERS] })));
  eks.on(DescribeClusterCommand).callsFake(({ name }: { name: string }) =>
    waves.hold('eks:DescribeCluster', () => {
      const i = indexOf(name);
      return {
        cluster: {
          name,
          arn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${name}`,
          version: '1.35',
          status: 'ACTIVE',
          resourcesVpcConfig: {
            endpointPublicAccess: false,
            endpointPrivateAccess: true,
            vpcId: vpcOf(i),
            clusterSecurityGroupId: `sg-${name}`,
            securityGroupIds: [],
          },
          encryptionConfig: [{ resources: ['secrets'], provider: { keyArn: keyArn(i) } }],
          accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
        },
      };
    }),
  );
  eks.on(DescribeClusterVersionsCommand).callsFake(() =>
    waves.hold('eks:DescribeClusterVersions', () => ({
      clusterVersions: [{ clusterVersion: '1.35', versionStatus: 'STANDARD_SUPPORT' }],
    })),
  );
  eks
    .on(ListNodegroupsCommand)
    .callsFake(() => waves.hold('eks:ListNodegroups', () => ({ nodegroups: ['workers'] })));
  eks.on(DescribeNodegroupCommand).callsFake(({ clusterName }: { clusterName: string }) =>
    waves.hold('eks:DescribeNodegroup', () => ({
      nodegroup: {
        nodegroupName: 'workers',
        nodegroupArn: `arn:aws:eks:${REGION}:${ACCOUNT}:nodegroup/${clusterName}/workers/1`,
        status: 'ACTIVE',
        subnets: [subnetFor(clusterName)],
        // Every node group runs one launch template: its version is read once for the region.
        launchTemplate: { id: 'lt-0workers', name: 'workers', version: '3' },
      },
    })),
  );
  ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake(() =>
    waves.hold('ec2:DescribeLaunchTemplateVersions', () => ({
      LaunchTemplateVersions: [
        {
          LaunchTemplateId: 'lt-0workers',
          VersionNumber: 3,
          DefaultVersion: false,
          LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 } },
        },
      ],
    })),
  );
  eks.on(ListAddonsCommand).callsFake(() => waves.hold('eks:ListAddons', () => ({ addons: ['vpc-cni'] })));
  eks.on(DescribeAddonCommand).callsFake(({ clusterName }: { clusterName: string }) =>
    waves.hold('eks:DescribeAddon', () => ({
      addon: {
        addonName: 'vpc-cni',
        clusterName,
        addonArn: `arn:aws:eks:${REGION}:${ACCOUNT}:addon/${clusterName}/vpc-cni/1`,
        addonVersion: 'v1.19.2-eksbuild.1',
        status: 'ACTIVE',
        health: { issues: [] },
        configurationValues: '{"enableNetworkPolicy":"true"}',
      },
    })),
  );
  eks.on(DescribeAddonVersionsCommand).callsFake(() =>
    waves.hold('eks:DescribeAddonVersions', () => ({
      addons: [
        {
          addonName: 'vpc-cni',
          addonVersions: [
            {
              addonVersion: 'v1.19.2-eksbuild.1',
              compatibilities: [{ clusterVersion: '1.35', platformVersions: ['*'], defaultVersion: true }],
            },
          ],
        },
      ],
    })),
  );
  eks.on(ListInsightsCommand).callsFake(() =>
    waves.hold('eks:ListInsights', () => ({
      insights: [
        { id: 'i-pass', name: 'Kubelet version skew', insightStatus: { status: 'PASSING' } },
        {
          id: 'i-warn',
          name: 'Deprecated APIs removed in Kubernetes v1.36',
          insightStatus: { status: 'WARNING' },
        },
      ],
    })),
  );
  eks
    .on(DescribeInsightCommand)
    .callsFake(({ id }: { id: string }) =>
      waves.hold('eks:DescribeInsight', () => ({ insight: { id, recommendation: 'Update the clients.' } })),
    );
  logs
    .on(DescribeLogGroupsCommand)
    .callsFake(() => waves.hold('logs:DescribeLogGroups', () => ({ logGroups: [] })));
  guardduty
    .on(ListDetectorsCommand)
    .callsFake(() => waves.hold('guardduty:ListDetectors', () => ({ DetectorIds: ['d-1'] })));
  guardduty
    .on(GetDetectorCommand)
    .callsFake(() => waves.hold('guardduty:GetDetector', () => ({ Status: 'ENABLED', Features: [] })));
  eks.on(ListAccessEntriesCommand).callsFake(({ clusterName }: { clusterName: string }) =>
    waves.hold('eks:ListAccessEntries', () => ({
      accessEntries: [`arn:aws:iam::${ACCOUNT}:role/admin-${clusterName}`],
    })),
  );
  eks.on(ListAssociatedAccessPoliciesCommand).callsFake(() =>
    waves.hold('eks:ListAssociatedAccessPolicies', () => ({
      associatedAccessPolicies: [
        {
          policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
          accessScope: { type: 'cluster' },
        },
      ],
    })),
  );
  eks.on(ListPodIdentityAssociationsCommand).callsFake(({ clusterName }: { clusterName: string }) =>
    waves.hold('eks:ListPodIdentityAssociations', () => ({
      associations: [{ associationId: `a-${clusterName}` }],
    })),
  );
  eks
    .on(DescribePodIdentityAssociationCommand)
    .callsFake(({ clusterName, associationId }: { clusterName: string; associationId: string }) =>
      waves.hold('eks:DescribePodIdentityAssociation', () => ({
        association: {
          associationArn: `arn:aws:eks:${REGION}:${ACCOUNT}:podidentityassociation/${clusterName}/${associationId}`,
          namespace: 'apps',
          serviceAccount: 'api',
          roleArn: `arn:aws:iam::${ACCOUNT}:role/pods-${clusterName}`,
        },
      })),
    );
  // EC2 answers what its filters select from four VPCs, each with one subnet, its own route table
  // and a main one, and a fifth VPC no cluster names.
  const vpcs = ['vpc-0', 'vpc-1', 'vpc-2', 'vpc-3', 'vpc-9'];
  ec2.on(DescribeSubnetsCommand).callsFake(({ Filters }: DescribeSubnetsCommandInput) =>
    waves.hold('ec2:DescribeSubnets', () => ({
      Subnets: vpcs
        .map((vpc) => ({ SubnetId: subnetOf(vpc), VpcId: vpc, MapPublicIpOnLaunch: false }))
        .filter((s) => valuesOf(Filters, 'subnet-id').includes(s.SubnetId)),
    })),
  );
  ec2.on(DescribeRouteTablesCommand).callsFake(({ Filters }: DescribeRouteTablesCommandInput) =>
    waves.hold('ec2:DescribeRouteTables', () => ({
      RouteTables: vpcs
        .filter((vpc) => valuesOf(Filters, 'vpc-id').includes(vpc))
        .flatMap((vpc) => [
          { RouteTableId: `rtb-main-${vpc}`, VpcId: vpc, Associations: [{ Main: true }], Routes: [] },
          {
            RouteTableId: `rtb-${vpc}`,
            VpcId: vpc,
            Associations: [{ Main: false, SubnetId: subnetOf(vpc) }],
            Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }],
          },
        ]),
    })),
  );
  ec2.on(DescribeSecurityGroupsCommand).callsFake(({ Filters }: DescribeSecurityGroupsCommandInput) =>
    waves.hold('ec2:DescribeSecurityGroups', () => ({
      SecurityGroups: valuesOf(Filters, 'group-id').map((id) => ({
        GroupId: id,
        GroupName: id,
        IpPermissions: [],
      })),
    })),
  );
  kms
    .on(DescribeKeyCommand)
    .callsFake(() =>
      waves.hold('kms:DescribeKey', () => ({ KeyMetadata: { KeyId: 'k', KeyState: 'Enabled' } })),
    );
}

async function collect(): Promise<{ result: RegionSnapshot; waves: number }> {
  const versions = new VersionSupport(() => new Date('2026-12-01T00:00:00Z'));
  return waves.run(
    (async () => {
      const snapshot = await collectRegion(clients, TARGET, { versions, addonOffers: new AddonOffers() });
      await versions.catalogs();
      return snapshot;
    })(),
  );
}

/** The calls today's collector makes for the seeded region: the pipelining may not add or lose one. */
const CALLS = {
  'ec2:DescribeLaunchTemplateVersions': 1,
  'ec2:DescribeRouteTables': 1,
  'ec2:DescribeSecurityGroups': 1,
  'ec2:DescribeSubnets': 1,
  'eks:DescribeAddon': 20,
  // Once for the add-on and Kubernetes version, however many clusters run it.
  'eks:DescribeAddonVersions': 1,
  'eks:DescribeCluster': 20,
  'eks:DescribeClusterVersions': 1,
  // Only the insight that does not pass.
  'eks:DescribeInsight': 20,
  'eks:DescribeNodegroup': 20,
  'eks:DescribePodIdentityAssociation': 20,
  'eks:ListAccessEntries': 20,
  'eks:ListAddons': 20,
  'eks:ListAssociatedAccessPolicies': 20,
  'eks:ListClusters': 1,
  'eks:ListInsights': 20,
  'eks:ListNodegroups': 20,
  'eks:ListPodIdentityAssociations': 20,
  'guardduty:GetDetector': 1,
  'guardduty:ListDetectors': 1,
  'kms:DescribeKey': 20,
  'logs:DescribeLogGroups': 1,
};

beforeEach(() => {
  waves = new Waves();
});

afterEach(() => {
  for (const mock of [eks, ec2, kms, logs, guardduty]) mock.reset();
});

describe('Function: collectRegion round trips', () => {
  it('reads a region of twenty clusters in four round trips, the minimum its data dependencies allow', async () => {
    // Prepare
    seedRegion();

    // Act
    const { result, waves: roundTrips } = await collect();

    // Assess: the longest chains of reads that each need the answer before them.
    //   1 ListClusters                                      names
    //   2 DescribeCluster; ListNodegroups (needs the name)   authentication mode, VPC, keys; node-group names
    //   3 ListAccessEntries (needs the mode); DescribeNodegroup (subnet ids); ListAddons, ListInsights
    //   4 ListAssociatedAccessPolicies (needs the principal); DescribeSubnets (needs the subnet ids);
    //     DescribeAddon, DescribeAddonVersions (need the add-on names); DescribeInsight (needs the
    //     status); DescribeLaunchTemplateVersions (needs the node groups' templates)
    // The region's log groups and detectors need only to know that it has clusters: waves 2 and 3.
    expect(roundTrips).toBe(4);
    expect(waves.counts()).toEqual(CALLS);
    expect(waves.wavesOf('eks:ListClusters')).toEqual([1]);
    expect(waves.wavesOf('eks:DescribeCluster')).toEqual([2]);
    expect(waves.wavesOf('eks:ListNodegroups')).toEqual([2]);
    expect(waves.wavesOf('eks:ListAccessEntries')).toEqual([3]);
    expect(waves.wavesOf('eks:DescribeNodegroup')).toEqual([3]);
    expect(waves.wavesOf('eks:ListAssociatedAccessPolicies')).toEqual([4]);
    expect(waves.wavesOf('ec2:DescribeSubnets')).toEqual([4]);
    // The route tables are read by the clusters' VPCs, beside the subnets, not after them.
    expect(waves.wavesOf('ec2:DescribeRouteTables')).toEqual([4]);
    expect(waves.wavesOf('eks:ListAddons')).toEqual([3]);
    expect(waves.wavesOf('eks:ListInsights')).toEqual([3]);
    expect(waves.wavesOf('eks:DescribeAddon')).toEqual([4]);
    expect(waves.wavesOf('eks:DescribeAddonVersions')).toEqual([4]);
    expect(waves.wavesOf('eks:DescribeInsight')).toEqual([4]);
    expect(waves.wavesOf('ec2:DescribeLaunchTemplateVersions')).toEqual([4]);
    expect(waves.wavesOf('logs:DescribeLogGroups')).toEqual([2]);
    expect(waves.wavesOf('guardduty:ListDetectors')).toEqual([2]);
    expect(waves.wavesOf('guardduty:GetDetector')).toEqual([3]);
    expect(result.launchTemplates.get('lt-0workers@3')).toEqual({
      known: true,
      value: { httpTokens: 'required', httpPutResponseHopLimit: 1 },
    });
    expect(result.clusters).toHaveLength(20);
    expect(result.clusters.every((c) => c.description.known)).toBe(true);
    expect(result.keys.size).toBe(20);
    expect(result.network.subnets).toEqual({
      known: true,
      value: ['vpc-0', 'vpc-1', 'vpc-2', 'vpc-3'].map((vpc) => ({
        id: subnetOf(vpc),
        vpcId: vpc,
        mapPublicIpOnLaunch: false,
      })),
    });
    expect(result.network.routeTables.known && result.network.routeTables.value).toHaveLength(8);
  });

  it('reads version support, the keys and the security groups as soon as their inputs are known', async () => {
    // Prepare
    seedRegion();

    // Act
    await collect();

    // Assess: version support needs only that clusters exist; keys and groups only DescribeCluster.
    expect(waves.wavesOf('eks:DescribeClusterVersions')).toEqual([2]);
    expect(waves.wavesOf('kms:DescribeKey')).toEqual([3]);
    expect(waves.wavesOf('ec2:DescribeSecurityGroups')).toEqual([3]);
    expect(waves.wavesOf('eks:ListPodIdentityAssociations')).toEqual([3]);
    expect(waves.wavesOf('eks:DescribePodIdentityAssociation')).toEqual([4]);
  });

  it('reads the route tables of a node-group subnet outside the clusters’ VPCs in one more round trip', async () => {
    // Prepare: EKS requires a node group's subnets to be in its cluster's VPC; one that is not is still judged.
    seedRegion({
      nodegroupSubnet: (name) => (name === 'c07' ? subnetOf('vpc-9') : subnetOf(vpcOf(indexOf(name)))),
    });

    // Act
    const { result, waves: roundTrips } = await collect();

    // Assess
    expect(roundTrips).toBe(5);
    expect(waves.counts()).toEqual({ ...CALLS, 'ec2:DescribeRouteTables': 2 });
    expect(waves.wavesOf('ec2:DescribeRouteTables')).toEqual([4, 5]);
    const tables = result.network.routeTables.known ? result.network.routeTables.value : [];
    expect(tables.map((t) => t.id).sort()).toEqual(
      ['vpc-0', 'vpc-1', 'vpc-2', 'vpc-3', 'vpc-9']
        .flatMap((vpc) => [`rtb-${vpc}`, `rtb-main-${vpc}`])
        .sort(),
    );
  });

  it('reads nothing more of a cluster whose description failed than its node-group listing', async () => {
    // Prepare
    seedRegion();
    eks.on(DescribeClusterCommand, { name: 'c03' }).callsFake(() =>
      waves.hold('eks:DescribeCluster', () => {
        throw new ResourceNotFoundException({ message: 'No cluster found for name: c03.', $metadata: {} });
      }),
    );

    // Act
    const { result } = await collect();

    // Assess: the listing started with the description, by name; nothing waits on it.
    const c03 = result.clusters.find((c) => c.name === 'c03');
    expect(c03?.description.known).toBe(false);
    expect(waves.counts()).toMatchObject({
      'eks:DescribeCluster': 20,
      'eks:ListNodegroups': 20,
      'eks:DescribeNodegroup': 19,
      'eks:ListAccessEntries': 19,
      'eks:ListPodIdentityAssociations': 19,
      'kms:DescribeKey': 19,
    });
  });

  it('fails the region when its clusters cannot be listed', async () => {
    // Prepare
    seedRegion();
    eks.on(ListClustersCommand).callsFake(() =>
      waves.hold('eks:ListClusters', () => {
        throw Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
      }),
    );

    // Act / Assess
    await expect(collect()).rejects.toThrow('eks:ListClusters failed in account 111122223333, eu-west-1');
  });
});
