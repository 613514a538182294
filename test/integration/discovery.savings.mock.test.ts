/**
 * What discovery saves: an organization of 100 accounts, 17 regions each, clusters in 2 of them (one
 * each), scanned in one process with `list` and with `config:<aggregator>`, calls counted against the
 * floor. The wall times (annotated, not asserted) compare round trips at a fixed simulated latency. Mocked
 * with aws-sdk-client-mock (moto 5.2.1 lacks the aggregator's queries; see discovery.mock.test.ts);
 * the org bench (scripts/bench-org.ts) runs the fan-out, which discovery does not reach yet.
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  ConfigServiceClient,
  DescribeConfigurationAggregatorSourcesStatusCommand,
  DescribeConfigurationAggregatorsCommand,
  SelectAggregateResourceConfigCommand,
  type SelectAggregateResourceConfigCommandInput,
} from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeClusterCommand,
  DescribeClusterVersionsCommand,
  EKSClient,
  ListAccessEntriesCommand,
  ListAddonsCommand,
  ListClustersCommand,
  ListInsightsCommand,
  ListNodegroupsCommand,
  ListPodIdentityAssociationsCommand,
} from '@aws-sdk/client-eks';
import { GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import {
  GetAccountAuthorizationDetailsCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../lambda/collect/api-calls';
import { createAccountClients } from '../../lambda/collect/clients';
import { DEFAULT_SCAN_CONFIG } from '../../lambda/scan/config';
import { runScan } from '../../lambda/scan/scan';

const ACCOUNTS = Array.from({ length: 100 }, (_, i) => String(100000000000 + i));
const REGIONS = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];
const CLUSTER_REGIONS = ['eu-west-1', 'us-east-1'];
const LATENCY_MS = 5;
const NOW = new Date('2026-11-23T12:00:00Z');

const sleep = () => new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
const mocks = {
  config: mockClient(ConfigServiceClient),
  eks: mockClient(EKSClient),
  iam: mockClient(IAMClient),
  ec2: mockClient(EC2Client),
  logs: mockClient(CloudWatchLogsClient),
  guardduty: mockClient(GuardDutyClient),
};

/** Every call of every mock, by `<service>:<Operation>` (the mocks replace `send`, so the scan's counter sees none). */
function callCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [service, mock] of Object.entries(mocks)) {
    for (const call of mock.calls() as { args: readonly unknown[] }[]) {
      const name = `${service}:${(call.args[0] as object).constructor.name.replace(/Command$/, '')}`;
      counts[name] = (counts[name] ?? 0) + 1;
    }
  }
  return counts;
}

beforeAll(() => {
  const recorders = new Map(
    REGIONS.map((region) => [
      region,
      ACCOUNTS.map((accountId) =>
        JSON.stringify({
          accountId,
          awsRegion: region,
          configurationItemStatus: 'OK',
          configuration: { Name: 'default', Recording: true, RecordingGroup: { AllSupported: true } },
        }),
      ),
    ]),
  );
  const clusters = ACCOUNTS.flatMap((accountId) =>
    CLUSTER_REGIONS.map((awsRegion) => JSON.stringify({ accountId, awsRegion })),
  );
  mocks.config.on(DescribeConfigurationAggregatorsCommand).callsFake(async () => {
    await sleep();
    return {
      ConfigurationAggregators: [
        { ConfigurationAggregatorName: 'org', OrganizationAggregationSource: { AllAwsRegions: true } },
      ],
    };
  });
  mocks.config.on(DescribeConfigurationAggregatorSourcesStatusCommand).callsFake(async () => {
    await sleep();
    return {
      AggregatedSourceStatusList: REGIONS.map((AwsRegion) => ({
        SourceId: 'o-a1b2c3d4e5',
        SourceType: 'ORGANIZATION',
        AwsRegion,
        LastUpdateStatus: 'SUCCEEDED',
        LastUpdateTime: new Date(NOW.getTime() - 3_600_000),
      })),
    };
  });
  mocks.config
    .on(SelectAggregateResourceConfigCommand)
    .callsFake(async (input: SelectAggregateResourceConfigCommandInput) => {
      await sleep();
      const region = /awsRegion = '([^']+)'/.exec(input.Expression ?? '')?.[1];
      const rows = region ? (recorders.get(region) ?? []) : clusters;
      const start = Number(input.NextToken ?? 0);
      const next = start + 100 < rows.length ? { NextToken: String(start + 100) } : {};
      return { Results: rows.slice(start, start + 100), ...next };
    });
  // getClient() names the client of the latest call: it is read before the wait, never after.
  mocks.eks.on(ListClustersCommand).callsFake(async (_input, getClient) => {
    const region = getClient().config.region();
    await sleep();
    return { clusters: CLUSTER_REGIONS.includes(await region) ? ['prod'] : [] };
  });
  mocks.eks.on(DescribeClusterCommand).callsFake(async (_input, getClient) => {
    const client = getClient();
    const scope = Promise.all([client.config.region(), client.config.credentials()]);
    await sleep();
    const [region, credentials] = await scope;
    return {
      cluster: {
        name: 'prod',
        arn: `arn:aws:eks:${region}:${credentials.accessKeyId}:cluster/prod`,
        version: '1.33',
        accessConfig: { authenticationMode: 'API' },
      },
    };
  });
  for (const command of [
    ListNodegroupsCommand,
    ListAccessEntriesCommand,
    ListPodIdentityAssociationsCommand,
    ListAddonsCommand,
    ListInsightsCommand,
  ]) {
    mocks.eks.on(command).callsFake(async () => {
      await sleep();
      return {};
    });
  }
  mocks.eks.on(DescribeClusterVersionsCommand).resolves({ clusterVersions: [] });
  mocks.iam.on(GetAccountAuthorizationDetailsCommand).callsFake(async () => {
    await sleep();
    return { RoleDetailList: [], Policies: [], IsTruncated: false };
  });
  mocks.iam.on(ListOpenIDConnectProvidersCommand).callsFake(async () => {
    await sleep();
    return { OpenIDConnectProviderList: [] };
  });
  mocks.iam.on(ListUsersCommand).callsFake(async () => {
    await sleep();
    return { Users: [] };
  });
  mocks.logs.on(DescribeLogGroupsCommand).callsFake(async () => {
    await sleep();
    return { logGroups: [] };
  });
  mocks.guardduty.on(ListDetectorsCommand).callsFake(async () => {
    await sleep();
    return { DetectorIds: [] };
  });
});

afterAll(() => {
  for (const mock of Object.values(mocks)) mock.restore();
});

async function scanOrganization(discovery: 'list' | 'config') {
  for (const mock of Object.values(mocks)) mock.resetHistory();
  const apiCalls = new ApiCallCounter();
  const accounts = ACCOUNTS.map((accountId) => ({
    accountId,
    partition: 'aws',
    clients: createAccountClients({
      homeRegion: 'us-east-1',
      apiCalls,
      credentials: { accessKeyId: accountId, secretAccessKey: 'secret' },
    }),
  }));
  const caller = accounts[0]?.clients;
  if (!caller) throw new Error('no accounts');
  const started = performance.now();
  const run = await runScan({
    accounts,
    apiCalls,
    homeRegion: 'us-east-1',
    regions: REGIONS,
    config: DEFAULT_SCAN_CONFIG,
    clock: () => NOW,
    discovery: {
      setting: discovery === 'config' ? { kind: 'config', aggregator: 'org' } : { kind: 'list' },
      clients: caller,
    },
  });
  const wallMs = Math.round(performance.now() - started);
  const calls = callCounts();
  return { run, calls, total: Object.values(calls).reduce((a, b) => a + b, 0), wallMs };
}

describe('Discovery: what it saves at 100 accounts, clusters in 2 of 17 regions', () => {
  it('lists 200 account regions instead of 1,700, for 1 + 1 + 17 + 2 aggregator calls', async ({
    annotate,
  }) => {
    const list = await scanOrganization('list');
    const config = await scanOrganization('config');

    expect(list.calls['eks:ListClusters']).toBe(1_700);
    expect(config.calls['eks:ListClusters']).toBe(200);
    expect(config.calls).toMatchObject({
      'config:DescribeConfigurationAggregators': 1,
      'config:DescribeConfigurationAggregatorSourcesStatus': 1,
      // 100 recorders in each of 17 regions, pages of 100; 200 clusters in 2 pages.
      'config:SelectAggregateResourceConfig': 17 + 2,
    });
    // The same clusters found and judged, the same IAM reads.
    expect(config.calls['eks:DescribeCluster']).toBe(list.calls['eks:DescribeCluster']);
    expect(config.calls['iam:GetAccountAuthorizationDetails']).toBe(100);
    expect(config.run.report.results.length).toBe(list.run.report.results.length);
    expect(config.run.report.discovery).toEqual({ kind: 'config', aggregator: 'org', skipped: 1_500 });
    expect(config.run.coverage.scopes).toHaveLength(1_700);
    await annotate(
      `list: ${list.total} calls in ${list.wallMs} ms; config: ${config.total} calls in ${config.wallMs} ms (${LATENCY_MS} ms a call)`,
    );
  }, 120_000);
});
