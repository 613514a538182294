/**
 * Discovery through an AWS Config aggregator, covered with aws-sdk-client-mock in the shapes of the
 * AWS Config API reference (SelectAggregateResourceConfig, DescribeConfigurationAggregators,
 * DescribeConfigurationAggregatorSourcesStatus): moto 5.2.1 stores aggregators, but answers
 * SelectAggregateResourceConfig and DescribeConfigurationAggregatorSourcesStatus with HTTP 500 and
 * an HTML page (tried against `moto_server`), so neither the proof nor its failures can be staged there.
 */
import {
  ConfigServiceClient,
  DescribeConfigurationAggregatorSourcesStatusCommand,
  DescribeConfigurationAggregatorsCommand,
  NoSuchConfigurationAggregatorException,
  SelectAggregateResourceConfigCommand,
  type SelectAggregateResourceConfigCommandInput,
} from '@aws-sdk/client-config-service';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
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
import {
  GetAccountAuthorizationDetailsCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../lambda/collect/api-calls';
import { type AccountClients, createAccountClients } from '../../lambda/collect/clients';
import { readAggregator } from '../../lambda/collect/discovery';
import { describeResources } from '../../lambda/publish/asff-mapper';
import { planScope } from '../../lambda/publish/lifecycle';
import { discoveryLine, summarize } from '../../lambda/report/summary';
import { DEFAULT_SCAN_CONFIG } from '../../lambda/scan/config';
import { runScan } from '../../lambda/scan/scan';
import { ACCOUNT, NOW } from '../support/factories';
import { mockRegionServices } from '../support/region-service-mocks';
import { aClusterResult, mapFinding } from '../support/results';

const MEMBER = '444455556666';
const AGGREGATOR = 'org-aggregator';
const REGIONS = ['ap-south-1', 'eu-west-1', 'us-east-1'];
const AN_HOUR_AGO = new Date(NOW.getTime() - 3_600_000);
const RECORDERS = "resourceType = 'AWS::Config::ConfigurationRecorder'";

const config = mockClient(ConfigServiceClient);
const eks = mockClient(EKSClient);
const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);
const regionServices = mockRegionServices();

function awsError(name: string, message: string, status: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: 'client' });
}

/** A configuration recorder's item as an advanced query returns it: one JSON string per result. */
function recorderItem(
  accountId: string,
  region: string,
  configuration: Record<string, unknown> = {},
  itemStatus = 'OK',
): string {
  return JSON.stringify({
    accountId,
    awsRegion: region,
    configurationItemStatus: itemStatus,
    configuration: {
      Name: 'default',
      Recording: true,
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: false, ResourceTypes: [] },
      RecordingMode: { RecordingFrequency: 'CONTINUOUS', RecordingModeOverrides: [] },
      ...configuration,
    },
  });
}

function clusterItem(accountId: string, region: string): string {
  return JSON.stringify({ accountId, awsRegion: region });
}

function sourceStatus(
  accountId: string,
  region: string,
  status = 'SUCCEEDED',
  updated = AN_HOUR_AGO,
): Record<string, unknown> {
  return {
    SourceId: accountId,
    SourceType: 'ACCOUNT',
    AwsRegion: region,
    LastUpdateStatus: status,
    LastUpdateTime: updated,
  };
}

/** The aggregator's answers; each test changes what it needs. */
interface Aggregator {
  sources: Record<string, unknown>;
  statuses: Record<string, unknown>[];
  recorders: string[];
  clusters: string[];
}

function anAggregator(): Aggregator {
  return {
    sources: { AccountAggregationSources: [{ AccountIds: [ACCOUNT, MEMBER], AllAwsRegions: true }] },
    statuses: [ACCOUNT, MEMBER].flatMap((a) => REGIONS.map((r) => sourceStatus(a, r))),
    recorders: [ACCOUNT, MEMBER].flatMap((a) => REGIONS.map((r) => recorderItem(a, r))),
    // Each account has clusters in us-east-1 only.
    clusters: [clusterItem(ACCOUNT, 'us-east-1'), clusterItem(MEMBER, 'us-east-1')],
  };
}

/** Serves an aggregator in pages of `pageSize`, as the API does with NextToken. */
function serve(aggregator: Aggregator, pageSize = 100): void {
  config.on(DescribeConfigurationAggregatorsCommand).resolves({
    ConfigurationAggregators: [
      {
        ConfigurationAggregatorName: AGGREGATOR,
        ConfigurationAggregatorArn: `arn:aws:config:eu-west-1:${ACCOUNT}:config-aggregator/config-aggregator-abcd1234`,
        ...aggregator.sources,
      },
    ],
  });
  const page = <T>(items: T[], token: string | undefined) => {
    const start = token ? Number(token) : 0;
    const next = start + pageSize < items.length ? String(start + pageSize) : undefined;
    return { items: items.slice(start, start + pageSize), ...(next ? { next } : {}) };
  };
  config.on(DescribeConfigurationAggregatorSourcesStatusCommand).callsFake((input) => {
    const { items, next } = page(aggregator.statuses, input.NextToken);
    return { AggregatedSourceStatusList: items, ...(next ? { NextToken: next } : {}) };
  });
  config
    .on(SelectAggregateResourceConfigCommand)
    .callsFake((input: SelectAggregateResourceConfigCommandInput) => {
      const expression = input.Expression ?? '';
      // The filters the scanner writes: the resource type, a region, and the accounts of the scan.
      const region = /awsRegion = '([^']+)'/.exec(expression)?.[1];
      const accounts = [...expression.matchAll(/accountId = '(\d{12})'/g)].map((m) => m[1]);
      const rows = (expression.includes(RECORDERS) ? aggregator.recorders : aggregator.clusters).filter(
        (text) => {
          const row = JSON.parse(text) as { accountId?: string; awsRegion?: string };
          return (
            (region === undefined || row.awsRegion === region) &&
            (accounts.length === 0 || accounts.includes(row.accountId))
          );
        },
      );
      const { items, next } = page(rows, input.NextToken);
      return { Results: items, QueryInfo: { SelectFields: [] }, ...(next ? { NextToken: next } : {}) };
    });
}

/** Every account has one cluster `prod` wherever the aggregator says it has clusters (us-east-1). */
beforeEach(() => {
  regionServices.empty();
  eks.on(ListAddonsCommand).resolves({ addons: [] });
  eks.on(ListInsightsCommand).resolves({ insights: [] });
  iam.on(ListUsersCommand).resolves({ Users: [] });
  ec2.on(DescribeRegionsCommand).resolves({ Regions: REGIONS.map((RegionName) => ({ RegionName })) });
  eks
    .on(ListClustersCommand)
    .callsFake(async (_input, getClient) =>
      (await getClient().config.region()) === 'us-east-1' ? { clusters: ['prod'] } : { clusters: [] },
    );
  eks.on(DescribeClusterCommand).callsFake(async (_input, getClient) => {
    const client = getClient();
    const [region, credentials] = await Promise.all([client.config.region(), client.config.credentials()]);
    const account = credentials.accessKeyId === 'member' ? MEMBER : ACCOUNT;
    return {
      cluster: {
        name: 'prod',
        arn: `arn:aws:eks:${region}:${account}:cluster/prod`,
        version: '1.33',
        status: 'ACTIVE',
        resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true },
        accessConfig: { authenticationMode: 'API' },
      },
    };
  });
  eks.on(ListNodegroupsCommand).resolves({ nodegroups: [] });
  eks.on(ListAccessEntriesCommand).resolves({ accessEntries: [] });
  eks.on(ListPodIdentityAssociationsCommand).resolves({ associations: [] });
  eks.on(DescribeClusterVersionsCommand).resolves({ clusterVersions: [] });
  iam.on(ListOpenIDConnectProvidersCommand).resolves({ OpenIDConnectProviderList: [] });
  iam
    .on(GetAccountAuthorizationDetailsCommand)
    .resolves({ RoleDetailList: [], Policies: [], IsTruncated: false });
  serve(anAggregator());
});

afterEach(() => {
  for (const mock of [config, eks, iam, sts, ec2]) mock.reset();
  regionServices.reset();
});

function clientsOf(accessKeyId: string, apiCalls: ApiCallCounter): AccountClients {
  return createAccountClients({
    homeRegion: 'eu-west-1',
    apiCalls,
    maxAttempts: 2,
    credentials: { accessKeyId, secretAccessKey: 'secret' },
  });
}

/** The caller's account and a member account, both in all three regions, with `--discovery config:org-aggregator`. */
async function scan(discovery: 'config' | 'list' | 'none' = 'config') {
  const apiCalls = new ApiCallCounter();
  const caller = clientsOf('caller', apiCalls);
  const run = await runScan({
    accounts: [
      { clients: caller, accountId: ACCOUNT, partition: 'aws' },
      { clients: clientsOf('member', apiCalls), accountId: MEMBER, partition: 'aws' },
    ],
    apiCalls,
    homeRegion: 'eu-west-1',
    config: DEFAULT_SCAN_CONFIG,
    clock: () => NOW,
    ...(discovery === 'none'
      ? {}
      : {
          discovery: {
            setting: discovery === 'config' ? { kind: 'config', aggregator: AGGREGATOR } : { kind: 'list' },
            clients: caller,
          },
        }),
  });
  return { ...run, listed: await listedRegions() };
}

/** `<account>/<region>` of every ListClusters call, sorted. */
async function listedRegions(): Promise<string[]> {
  const calls = await Promise.all(
    eks.commandCalls(ListClustersCommand).map(async (call) => {
      const client = call.thisValue as EKSClient;
      const credentials = await client.config.credentials();
      return `${credentials.accessKeyId === 'member' ? MEMBER : ACCOUNT}/${await client.config.region()}`;
    }),
  );
  return calls.sort();
}

const everyRegion = [ACCOUNT, MEMBER].flatMap((a) => REGIONS.map((r) => `${a}/${r}`)).sort();

describe('Discovery: config aggregator', () => {
  it('skips the regions it proves empty, lists and describes those with clusters, and reads IAM per account', async () => {
    const { report, coverage, listed } = await scan();

    expect(listed).toEqual([`${ACCOUNT}/us-east-1`, `${MEMBER}/us-east-1`]);
    expect(eks.commandCalls(DescribeClusterCommand)).toHaveLength(2);
    expect(iam.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(2);
    expect(report.discovery).toEqual({ kind: 'config', aggregator: AGGREGATOR, skipped: 4 });
    // aws-sdk-client-mock replaces `send`, so the scan's counter sees nothing: the mocks count.
    expect(config.commandCalls(DescribeConfigurationAggregatorsCommand)).toHaveLength(1);
    expect(config.commandCalls(DescribeConfigurationAggregatorSourcesStatusCommand)).toHaveLength(1);
    // The named accounts' recorders in one query, their clusters in another.
    expect(config.commandCalls(SelectAggregateResourceConfigCommand)).toHaveLength(2);
    // Every region is a completed scope: the skipped ones with nothing in them, under the proof.
    expect(coverage.scopes.map((s) => [s.accountId, s.region, s.provenEmpty ?? false])).toEqual([
      [ACCOUNT, 'ap-south-1', true],
      [ACCOUNT, 'eu-west-1', true],
      [ACCOUNT, 'us-east-1', false],
      [MEMBER, 'ap-south-1', true],
      [MEMBER, 'eu-west-1', true],
      [MEMBER, 'us-east-1', false],
    ]);
    // Listed regions complete every check; proven-empty ones only the role checks (a lagging aggregator
    // must not archive a cluster's findings).
    expect(coverage.scopes.every((s) => s.unsettled.length === 0)).toBe(true);
    expect(coverage.scopes.filter((s) => !s.provenEmpty).every((s) => s.skippedChecks.length === 0)).toBe(
      true,
    );
    expect(
      coverage.scopes
        .filter((s) => s.provenEmpty)
        .every((s) =>
          s.completedChecks.every((id) =>
            ['irsa-trust-policy', 'pod-identity-trust-policy', 'oidc-provider-in-use'].includes(id),
          ),
        ),
    ).toBe(true);
    // Skipped regions are no targets: only what was listed or read is.
    expect(report.targets.map((t) => `${t.accountId}/${t.region}`)).toEqual([
      `${ACCOUNT}/global`,
      `${ACCOUNT}/us-east-1`,
      `${MEMBER}/global`,
      `${MEMBER}/us-east-1`,
    ]);
    expect(summarize(report).discovery).toBe(
      `Discovery: config:${AGGREGATOR} skipped 4 account regions proven to hold no cluster.`,
    );
  });

  it('asks the aggregator in its own region, with the largest pages, for recorders and clusters', async () => {
    await scan();

    const queries = config.commandCalls(SelectAggregateResourceConfigCommand).map((c) => c.args[0].input);
    const accounts = `(accountId = '${ACCOUNT}' OR accountId = '${MEMBER}')`;
    expect(queries.map((q) => q.Expression).sort()).toEqual([
      `SELECT accountId, awsRegion WHERE resourceType = 'AWS::EKS::Cluster' AND ${accounts}`,
      `SELECT accountId, awsRegion, configuration, configurationItemStatus WHERE ${RECORDERS} AND ${accounts}`,
    ]);
    expect(queries.every((q) => q.ConfigurationAggregatorName === AGGREGATOR && q.Limit === 100)).toBe(true);
    expect(await (config.call(0).thisValue as ConfigServiceClient).config.region()).toBe('eu-west-1');
  });

  it('reads the whole aggregator region by region when the accounts are not named', async () => {
    const readings = await readAggregator(new ConfigServiceClient({ region: 'eu-west-1' }), AGGREGATOR);

    const expressions = config
      .commandCalls(SelectAggregateResourceConfigCommand)
      .map((c) => c.args[0].input.Expression ?? '');
    expect(expressions.filter((e) => e.includes(RECORDERS)).sort()).toEqual(
      REGIONS.map(
        (region) =>
          `SELECT accountId, awsRegion, configuration, configurationItemStatus WHERE ${RECORDERS} AND awsRegion = '${region}'`,
      ),
    );
    expect(readings.recorders).toHaveLength(6);
    expect([...readings.clusterScopes].sort()).toEqual([`${ACCOUNT}/us-east-1`, `${MEMBER}/us-east-1`]);
  });

  it('keeps the findings of a cluster in a region proven empty: only a run that lists the region archives them', async () => {
    const run = await scan();
    const scope = run.coverage.scopes.find((s) => s.accountId === ACCOUNT && s.region === 'eu-west-1');
    if (!scope) throw new Error('no scope');
    const gone = mapFinding(aClusterResult(), NOW);

    const plan = planScope(run.report.results, scope, [gone], describeResources(run.snapshot), NOW);

    expect(plan.archives).toEqual([]);
  });

  it('reads every page of the source statuses and of both queries', async () => {
    serve(anAggregator(), 1);

    const { listed } = await scan();

    expect(listed).toEqual([`${ACCOUNT}/us-east-1`, `${MEMBER}/us-east-1`]);
    expect(config.commandCalls(DescribeConfigurationAggregatorSourcesStatusCommand)).toHaveLength(6);
    // 6 recorders in 6 pages; 2 clusters in 2.
    expect(config.commandCalls(SelectAggregateResourceConfigCommand)).toHaveLength(8);
  });

  it('proves an account region through an organization source, and lists one the aggregator does not collect from', async () => {
    const aggregator = anAggregator();
    aggregator.sources = { OrganizationAggregationSource: { AwsRegions: ['eu-west-1', 'us-east-1'] } };
    aggregator.statuses = ['eu-west-1', 'us-east-1', 'ap-south-1'].map((region) => ({
      ...sourceStatus('o-a1b2c3d4e5', region),
      SourceType: 'ORGANIZATION',
    }));
    serve(aggregator);

    const { listed, report } = await scan();

    // ap-south-1 is not among the organization source's regions: listed, whatever its status says.
    expect(listed).toEqual([
      `${ACCOUNT}/ap-south-1`,
      `${ACCOUNT}/us-east-1`,
      `${MEMBER}/ap-south-1`,
      `${MEMBER}/us-east-1`,
    ]);
    expect(report.discovery).toMatchObject({ skipped: 2 });
  });

  it.each([
    [
      'its source status FAILED',
      (a: Aggregator) => (a.statuses[1] = sourceStatus(ACCOUNT, 'eu-west-1', 'FAILED')),
    ],
    [
      'its source status OUTDATED',
      (a: Aggregator) => (a.statuses[1] = sourceStatus(ACCOUNT, 'eu-west-1', 'OUTDATED')),
    ],
    [
      'its last success older than 24 hours',
      (a: Aggregator) =>
        (a.statuses[1] = sourceStatus(
          ACCOUNT,
          'eu-west-1',
          'SUCCEEDED',
          new Date(NOW.getTime() - 25 * 3_600_000),
        )),
    ],
    ['no source status', (a: Aggregator) => a.statuses.splice(1, 1)],
    [
      'an account source that names other accounts only',
      (a: Aggregator) => {
        a.sources = {
          AccountAggregationSources: [
            { AccountIds: [MEMBER], AllAwsRegions: true },
            { AccountIds: [ACCOUNT], AwsRegions: ['ap-south-1', 'us-east-1'] },
          ],
        };
      },
    ],
    ['no recorder item', (a: Aggregator) => a.recorders.splice(1, 1)],
    [
      'its recorder stopped',
      (a: Aggregator) => (a.recorders[1] = recorderItem(ACCOUNT, 'eu-west-1', { Recording: false })),
    ],
    [
      'its recorder deleted',
      (a: Aggregator) => (a.recorders[1] = recorderItem(ACCOUNT, 'eu-west-1', {}, 'ResourceDeleted')),
    ],
    [
      'its recorder recording other types only',
      (a: Aggregator) =>
        (a.recorders[1] = recorderItem(ACCOUNT, 'eu-west-1', {
          RecordingGroup: { AllSupported: false, ResourceTypes: ['AWS::EC2::Instance'] },
        })),
    ],
    [
      'its recorder excluding EKS clusters',
      (a: Aggregator) =>
        (a.recorders[1] = recorderItem(ACCOUNT, 'eu-west-1', {
          RecordingGroup: {
            AllSupported: false,
            ExclusionByResourceTypes: { ResourceTypes: ['AWS::EKS::Cluster'] },
            RecordingStrategy: { UseOnly: 'EXCLUSION_BY_RESOURCE_TYPES' },
          },
        })),
    ],
    [
      'its recorder recording EKS clusters daily',
      (a: Aggregator) =>
        (a.recorders[1] = recorderItem(ACCOUNT, 'eu-west-1', {
          RecordingMode: {
            RecordingFrequency: 'CONTINUOUS',
            RecordingModeOverrides: [{ RecordingFrequency: 'DAILY', ResourceTypes: ['AWS::EKS::Cluster'] }],
          },
        })),
    ],
    [
      'a cluster the aggregator reports',
      (a: Aggregator) => a.clusters.push(clusterItem(ACCOUNT, 'eu-west-1')),
    ],
  ])('lists an account region without proof: %s', async (_, change) => {
    const aggregator = anAggregator();
    change(aggregator);
    serve(aggregator);

    const { listed, coverage } = await scan();

    expect(listed).toContain(`${ACCOUNT}/eu-west-1`);
    // The same region of the other account keeps its own proof.
    expect(listed).not.toContain(`${MEMBER}/eu-west-1`);
    const scope = coverage.scopes.find((s) => s.accountId === ACCOUNT && s.region === 'eu-west-1');
    expect(scope?.provenEmpty).toBeUndefined();
  });

  it.each([
    [
      'a recorder of EKS clusters by inclusion',
      {
        Recording: true,
        RecordingGroup: { AllSupported: false, ResourceTypes: ['AWS::EKS::Cluster', 'AWS::EC2::Instance'] },
      },
    ],
    [
      'a recorder excluding other types',
      {
        Recording: true,
        RecordingGroup: {
          AllSupported: false,
          ExclusionByResourceTypes: { ResourceTypes: ['AWS::EC2::Instance'] },
          RecordingStrategy: { UseOnly: 'EXCLUSION_BY_RESOURCE_TYPES' },
        },
      },
    ],
    ['a recorder item in camel case', { recording: true, recordingGroup: { allSupported: true } }],
  ])('proves an account region with %s', async (_, configuration) => {
    const aggregator = anAggregator();
    aggregator.recorders[1] = JSON.stringify({
      accountId: ACCOUNT,
      awsRegion: 'eu-west-1',
      configurationItemStatus: 'OK',
      configuration,
    });
    serve(aggregator);

    const { listed } = await scan();

    expect(listed).not.toContain(`${ACCOUNT}/eu-west-1`);
  });

  it.each([
    [
      'the aggregator does not exist',
      () =>
        config.on(DescribeConfigurationAggregatorsCommand).rejects(
          new NoSuchConfigurationAggregatorException({
            message: 'The configuration aggregator does not exist.',
            $metadata: {},
          }),
        ),
      'NoSuchConfigurationAggregatorException',
    ],
    [
      'the recorder query is throttled out',
      () =>
        config
          .on(SelectAggregateResourceConfigCommand)
          .rejects(awsError('ThrottlingException', 'Rate exceeded', 400)),
      'ThrottlingException: Rate exceeded',
    ],
    [
      'a later page of a query fails',
      () => {
        const aggregator = anAggregator();
        aggregator.clusters = [
          clusterItem(ACCOUNT, 'us-east-1'),
          clusterItem(MEMBER, 'us-east-1'),
          clusterItem(MEMBER, 'eu-west-1'),
        ];
        serve(aggregator, 2);
        config
          .on(SelectAggregateResourceConfigCommand, { NextToken: '2' })
          .rejects(awsError('InvalidNextTokenException', 'The nextToken provided is invalid', 400));
      },
      'InvalidNextTokenException',
    ],
    [
      'a result that is not a configuration item',
      () => {
        const aggregator = anAggregator();
        aggregator.clusters = [JSON.stringify({ accountId: ACCOUNT })];
        serve(aggregator);
      },
      'invalid query result',
    ],
    [
      'the source status is denied',
      () =>
        config
          .on(DescribeConfigurationAggregatorSourcesStatusCommand)
          .rejects(awsError('AccessDeniedException', 'not authorized', 400)),
      'AccessDeniedException',
    ],
  ])('lists every region, and says why, when %s', async (_, fail, reason) => {
    fail();

    const { listed, report, coverage } = await scan();

    expect(listed).toEqual(everyRegion);
    expect(report.discovery).toMatchObject({ kind: 'config', aggregator: AGGREGATOR, skipped: 0 });
    expect(report.discovery?.kind === 'config' && report.discovery.fallback).toContain(reason);
    // Nothing is completed on the aggregator's word: archiving happens only where regions were listed.
    expect(coverage.scopes.some((s) => s.provenEmpty)).toBe(false);
    expect(coverage.scopes).toHaveLength(everyRegion.length);
    if (report.discovery) expect(discoveryLine(report.discovery)).toContain('failed, every region listed');
  });

  it('lists every region, reads no aggregator and says so, with list', async () => {
    const { listed, report } = await scan('list');

    expect(listed).toEqual(everyRegion);
    expect(config.calls()).toHaveLength(0);
    expect(report.discovery).toEqual({ kind: 'list' });
  });

  it('says nothing of discovery when none was configured', async () => {
    const { listed, report } = await scan('none');

    expect(listed).toEqual(everyRegion);
    expect(report).not.toHaveProperty('discovery');
  });
});
