/**
 * Discovery through an AWS Config aggregator: which account regions may go unlisted because the
 * aggregator proves they hold no EKS cluster. Run once, with the caller's credentials (the
 * aggregator's account), before the accounts are scanned. Discovery only ever removes regions from
 * the listing, never adds clusters: where the aggregator reports a cluster, ListClusters still runs
 * and finds what is there, the clusters the aggregator missed included.
 *
 * The reads (four, paginated; all in the aggregator's region):
 *   - `config:DescribeConfigurationAggregators`: which accounts and regions the aggregator collects from;
 *   - `config:DescribeConfigurationAggregatorSourcesStatus`: whether each source and region last
 *     synchronised successfully, and when;
 *   - `config:SelectAggregateResourceConfig` over `AWS::Config::ConfigurationRecorder`: each account
 *     region's recorder, what it records and whether it is on. Config records its own recorder as a
 *     system resource type, in every supported region, at no charge
 *     (https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html, drift detection);
 *     its advanced-query fields are `configuration.Recording`, `configuration.RecordingGroup.*`,
 *     `configuration.RecordingMode.*` (https://github.com/awslabs/aws-config-resource-schema);
 *   - `config:SelectAggregateResourceConfig` over `AWS::EKS::Cluster`: the account regions with clusters.
 * Any of them failing, or answering something that does not validate, fails discovery as a whole:
 * the scan then lists every region (`DiscoveryError`).
 */
import {
  ConfigServiceClient,
  DescribeConfigurationAggregatorsCommand,
  paginateDescribeConfigurationAggregatorSourcesStatus,
  paginateSelectAggregateResourceConfig,
} from '@aws-sdk/client-config-service';
import pLimit from 'p-limit';
import * as z from 'zod/mini';
import '../zod-messages';
import { describeAwsError, ScanError } from '../errors';
import type { OptionalService } from './clients';

/** Only runs with `--discovery config:…` load the Config SDK. */
export const CONFIG_SERVICE: OptionalService<ConfigServiceClient> = {
  id: 'config',
  Client: ConfigServiceClient,
};

export const EKS_CLUSTER_TYPE = 'AWS::EKS::Cluster';
const RECORDER_TYPE = 'AWS::Config::ConfigurationRecorder';

/** The calls discovery makes, as IAM actions: the scanner role needs them only when discovery is configured. */
export const DISCOVERY_OPERATIONS = [
  'config:DescribeConfigurationAggregators',
  'config:DescribeConfigurationAggregatorSourcesStatus',
  'config:SelectAggregateResourceConfig',
] as const;

/** Discovery could not be completed: the scan lists every region instead, and says why. */
export class DiscoveryError extends ScanError {
  override readonly name = 'DiscoveryError';
}

/** The regions a source of the aggregator collects from. */
export interface SourceRegions {
  readonly allRegions: boolean;
  readonly regions: readonly string[];
}

/** What DescribeConfigurationAggregators says of the aggregator's sources. */
export interface AggregatorSources {
  readonly arn?: string;
  /** Accounts named one by one, each with the regions of its source. */
  readonly accounts: readonly ({ readonly accountIds: readonly string[] } & SourceRegions)[];
  /** Present when the aggregator collects from the whole organization. */
  readonly organization?: SourceRegions;
}

export interface SourceStatus {
  readonly sourceType: 'ACCOUNT' | 'ORGANIZATION';
  /** An account id, or the organization's id. */
  readonly sourceId: string;
  readonly region: string;
  /** `SUCCEEDED`, `FAILED` or `OUTDATED`. */
  readonly status: string;
  readonly updatedAt?: Date;
}

/** One configuration recorder's configuration item, as the aggregator holds it. */
export interface RecorderItem {
  readonly accountId: string;
  readonly region: string;
  /** `configurationItemStatus`: `OK`, `ResourceDiscovered`, `ResourceNotRecorded`, `ResourceDeleted`, … */
  readonly itemStatus?: string;
  readonly name?: string;
  readonly recording?: boolean;
  readonly allSupported?: boolean;
  /** `RecordingGroup.RecordingStrategy.UseOnly`: `ALL_SUPPORTED_RESOURCE_TYPES`, `INCLUSION_BY_RESOURCE_TYPES` or `EXCLUSION_BY_RESOURCE_TYPES`. */
  readonly strategy?: string;
  readonly resourceTypes: readonly string[];
  readonly excludedTypes: readonly string[];
  /** `RecordingMode.RecordingFrequency`: `CONTINUOUS` (the default) or `DAILY`. */
  readonly frequency?: string;
  readonly frequencyOverrides: readonly {
    readonly frequency?: string;
    readonly resourceTypes: readonly string[];
  }[];
}

/** Everything discovery read, validated; the proof below is a pure function of it. */
export interface AggregatorReadings {
  readonly aggregator: string;
  readonly sources: AggregatorSources;
  readonly statuses: readonly SourceStatus[];
  readonly recorders: readonly RecorderItem[];
  /** `<account>/<region>` of every cluster the aggregator holds. */
  readonly clusterScopes: ReadonlySet<string>;
}

const SourceRegionsShape = {
  AllAwsRegions: z.optional(z.boolean()),
  AwsRegions: z.optional(z.array(z.string())),
};
const AggregatorShape = z.object({
  ConfigurationAggregatorName: z.string(),
  ConfigurationAggregatorArn: z.optional(z.string()),
  AccountAggregationSources: z.optional(
    z.array(z.object({ AccountIds: z.array(z.string()), ...SourceRegionsShape })),
  ),
  OrganizationAggregationSource: z.optional(z.object(SourceRegionsShape)),
});
const StatusShape = z.object({
  SourceId: z.string(),
  SourceType: z.enum(['ACCOUNT', 'ORGANIZATION']),
  AwsRegion: z.string(),
  LastUpdateStatus: z.string(),
  LastUpdateTime: z.optional(z.date()),
});
const ScopeShape = z.object({
  accountId: z.string().check(z.regex(/^\d{12}$/)),
  awsRegion: z.string().check(z.minLength(1)),
});
const RecorderRowShape = z.extend(ScopeShape, {
  configurationItemStatus: z.optional(z.string()),
  // The item's `configuration`, as the recorder's CloudFormation-cased properties; read below key by key.
  configuration: z.optional(z.record(z.string(), z.unknown())),
});

export interface ReadOptions {
  /**
   * The accounts the scan covers: when there are at most `MAX_NAMED_ACCOUNTS`, both queries ask for
   * them only (a fan-out invocation scans one account and needs its rows, not the organization's).
   */
  readonly accounts?: readonly string[];
  /** Recorder queries in flight at once, one per region the aggregator reports a status for. @default 4 */
  readonly concurrency?: number;
}

/** Named in the queries up to this many; more read the whole aggregator. Keeps the expression far under its 4,096 characters. */
export const MAX_NAMED_ACCOUNTS = 20;

/**
 * Reads everything the proof needs. The source status and the cluster query go at once. The
 * recorders of a few named accounts come in one query; those of the whole aggregator region by
 * region (the regions the statuses name: only they can be proven), a few at once, so that a large
 * organization's 17,000 recorder items come back in parallel pages of 100, not one long chain.
 * Throws a `DiscoveryError` on any failure or invalid answer.
 */
export async function readAggregator(
  config: ConfigServiceClient,
  aggregator: string,
  options: ReadOptions = {},
): Promise<AggregatorReadings> {
  const accounts = options.accounts ?? [];
  const named = accounts.length > 0 && accounts.length <= MAX_NAMED_ACCOUNTS;
  if (named && !accounts.every((a) => /^\d{12}$/.test(a)))
    throw new DiscoveryError('invalid account id to query');
  const ofAccounts = named ? ` AND (${accounts.map((a) => `accountId = '${a}'`).join(' OR ')})` : '';
  const recordersIn = (region?: string) =>
    step(`SelectAggregateResourceConfig (configuration recorders${region ? ` in ${region}` : ''})`, () =>
      select(
        config,
        aggregator,
        `SELECT accountId, awsRegion, configuration, configurationItemStatus WHERE resourceType = '${RECORDER_TYPE}'${region ? ` AND awsRegion = '${region}'` : ''}${ofAccounts}`,
        RecorderRowShape,
      ),
    );
  const clusters = step('SelectAggregateResourceConfig (EKS clusters)', () =>
    select(
      config,
      aggregator,
      `SELECT accountId, awsRegion WHERE resourceType = '${EKS_CLUSTER_TYPE}'${ofAccounts}`,
      ScopeShape,
    ),
  );
  // A few named accounts have a few rows: one query, beside the others, so that discovery costs one
  // round trip. The whole aggregator's go region by region, once the statuses name the regions.
  const namedRecorders = named ? recordersIn() : Promise.resolve(undefined);
  // Every read is awaited, so that one failing never leaves another's rejection unhandled.
  const reads = Promise.all([
    step('DescribeConfigurationAggregators', () => readSources(config, aggregator)),
    step('DescribeConfigurationAggregatorSourcesStatus', () => readStatuses(config, aggregator)),
    clusters,
    namedRecorders,
  ]);
  const [sources, statuses, , early] = await reads;
  const regions = [...new Set(statuses.map((s) => s.region))].filter((r) => /^[a-z0-9-]+$/.test(r)).sort();
  const limit = pLimit(options.concurrency ?? 4);
  const recorders =
    early ?? (await Promise.all(regions.map((region) => limit(() => recordersIn(region))))).flat();
  return {
    aggregator,
    sources,
    statuses,
    recorders: recorders.map(recorderOf),
    clusterScopes: new Set((await clusters).map((c) => `${c.accountId}/${c.awsRegion}`)),
  };
}

async function step<T>(operation: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const reason = error instanceof DiscoveryError ? error.message : describeAwsError(error);
    throw new DiscoveryError(`config:${operation} failed: ${reason}`, { cause: error });
  }
}

async function readSources(config: ConfigServiceClient, aggregator: string): Promise<AggregatorSources> {
  const answer = await config.send(
    new DescribeConfigurationAggregatorsCommand({ ConfigurationAggregatorNames: [aggregator] }),
  );
  const found = (answer.ConfigurationAggregators ?? []).find(
    (a) => a.ConfigurationAggregatorName === aggregator,
  );
  const parsed = AggregatorShape.safeParse(found);
  if (!parsed.success)
    throw new DiscoveryError(`aggregator '${aggregator}' not described (${issue(parsed.error)})`);
  const regionsOf = (source: {
    AllAwsRegions?: boolean | undefined;
    AwsRegions?: string[] | undefined;
  }): SourceRegions => ({
    allRegions: source.AllAwsRegions === true,
    regions: source.AwsRegions ?? [],
  });
  const {
    ConfigurationAggregatorArn: arn,
    AccountAggregationSources,
    OrganizationAggregationSource,
  } = parsed.data;
  return {
    ...(arn ? { arn } : {}),
    accounts: (AccountAggregationSources ?? []).map((s) => ({ accountIds: s.AccountIds, ...regionsOf(s) })),
    ...(OrganizationAggregationSource ? { organization: regionsOf(OrganizationAggregationSource) } : {}),
  };
}

async function readStatuses(config: ConfigServiceClient, aggregator: string): Promise<SourceStatus[]> {
  const statuses: SourceStatus[] = [];
  const pages = paginateDescribeConfigurationAggregatorSourcesStatus(
    { client: config, pageSize: 100 },
    { ConfigurationAggregatorName: aggregator },
  );
  for await (const page of pages) {
    for (const entry of page.AggregatedSourceStatusList ?? []) {
      const parsed = StatusShape.safeParse(entry);
      if (!parsed.success) throw new DiscoveryError(`invalid source status (${issue(parsed.error)})`);
      const s = parsed.data;
      statuses.push({
        sourceType: s.SourceType,
        sourceId: s.SourceId,
        region: s.AwsRegion,
        status: s.LastUpdateStatus,
        ...(s.LastUpdateTime ? { updatedAt: s.LastUpdateTime } : {}),
      });
    }
  }
  return statuses;
}

/** Every row of an advanced query, each result validated; one that does not validate fails the query. */
async function select<T>(
  config: ConfigServiceClient,
  aggregator: string,
  expression: string,
  shape: z.ZodMiniType<T>,
): Promise<T[]> {
  const rows: T[] = [];
  // 100 is the largest page the API allows (non-aggregation queries default to 25).
  const pages = paginateSelectAggregateResourceConfig(
    { client: config, pageSize: 100 },
    { ConfigurationAggregatorName: aggregator, Expression: expression },
  );
  for await (const page of pages) {
    for (const text of page.Results ?? []) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new DiscoveryError(`a query result is not JSON: ${text.slice(0, 80)}`);
      }
      const parsed = shape.safeParse(json);
      if (!parsed.success) throw new DiscoveryError(`invalid query result (${issue(parsed.error)})`);
      rows.push(parsed.data);
    }
  }
  return rows;
}

function issue(error: z.core.$ZodError): string {
  const first = error.issues[0];
  return first ? `${first.path.join('.') || 'answer'}: ${first.message}` : 'invalid';
}

/**
 * A recorder's item from its query row. Config's items use the recorder's CloudFormation casing
 * (`Recording`, `RecordingGroup.AllSupported`); the API's camel case is read too, so a change of
 * casing cannot turn a recording recorder into an unproven one unnoticed (it can only make one unproven).
 */
function recorderOf(row: z.infer<typeof RecorderRowShape>): RecorderItem {
  const configuration = row.configuration ?? {};
  const group = field(configuration, 'recordingGroup');
  const mode = field(configuration, 'recordingMode');
  const overrides = field(mode, 'recordingModeOverrides');
  const name = field(configuration, 'name');
  const recording = field(configuration, 'recording');
  const allSupported = field(group, 'allSupported');
  const strategy = field(field(group, 'recordingStrategy'), 'useOnly');
  const frequency = field(mode, 'recordingFrequency');
  return {
    accountId: row.accountId,
    region: row.awsRegion,
    ...(row.configurationItemStatus ? { itemStatus: row.configurationItemStatus } : {}),
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof recording === 'boolean' ? { recording } : {}),
    ...(typeof allSupported === 'boolean' ? { allSupported } : {}),
    ...(typeof strategy === 'string' ? { strategy } : {}),
    resourceTypes: strings(field(group, 'resourceTypes')),
    excludedTypes: strings(field(field(group, 'exclusionByResourceTypes'), 'resourceTypes')),
    ...(typeof frequency === 'string' ? { frequency } : {}),
    frequencyOverrides: (Array.isArray(overrides) ? overrides : []).map((o: unknown) => {
      const overrideFrequency = field(o, 'recordingFrequency');
      return {
        ...(typeof overrideFrequency === 'string' ? { frequency: overrideFrequency } : {}),
        resourceTypes: strings(field(o, 'resourceTypes')),
      };
    }),
  };
}

/** A property by name, whatever the case of its first letter. */
function field(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const capitalized = `${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`;
  return record[capitalized] ?? record[name];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

// ---------------------------------------------------------------------------------------------
// The proof: pure, from the readings.

/** A source status older than this does not prove anything. @see DiscoveryProofOptions */
export const DEFAULT_MAX_STATUS_AGE_MS = 24 * 60 * 60 * 1000;

export interface DiscoveryProofOptions {
  readonly now: Date;
  /**
   * How old the source's last successful synchronisation may be. 24 hours: Config refreshes an
   * aggregator's sources within hours; a day-old success still shows a working path from the
   * account to the aggregator, a failure or an older one does not. @default 24 h
   */
  readonly maxStatusAgeMs?: number;
}

/** Why one account region was not proven empty; `undefined` when it was. */
export function unprovenReason(
  readings: AggregatorReadings,
  accountId: string,
  region: string,
  options: DiscoveryProofOptions,
): string | undefined {
  if (readings.clusterScopes.has(`${accountId}/${region}`)) return 'the aggregator reports clusters here';
  const covers = (s: SourceRegions) => s.allRegions || s.regions.includes(region);
  const byAccount = readings.sources.accounts.some((s) => s.accountIds.includes(accountId) && covers(s));
  const byOrganization = readings.sources.organization !== undefined && covers(readings.sources.organization);
  if (!byAccount && !byOrganization) return 'the aggregator does not collect from this account region';
  const maxAge = options.maxStatusAgeMs ?? DEFAULT_MAX_STATUS_AGE_MS;
  const fresh = readings.statuses.some(
    (s) =>
      s.region === region &&
      ((byAccount && s.sourceType === 'ACCOUNT' && s.sourceId === accountId) ||
        (byOrganization && s.sourceType === 'ORGANIZATION')) &&
      s.status === 'SUCCEEDED' &&
      s.updatedAt !== undefined &&
      options.now.getTime() - s.updatedAt.getTime() <= maxAge,
  );
  if (!fresh)
    return `no source status SUCCEEDED within ${Math.round(maxAge / 3_600_000)} h for this account region`;
  const recorders = readings.recorders.filter((r) => r.accountId === accountId && r.region === region);
  if (recorders.length === 0)
    return "the aggregator holds no configuration recorder's item for this account region";
  if (!recorders.some(recordsClusters)) {
    return `no configuration recorder here records ${EKS_CLUSTER_TYPE} continuously and is recording`;
  }
  return undefined;
}

/** The recorder is on, not deleted, records EKS clusters, and records them continuously (a daily one misses a day's new clusters). */
export function recordsClusters(recorder: RecorderItem): boolean {
  if (recorder.recording !== true) return false;
  if (recorder.itemStatus !== undefined && !['OK', 'ResourceDiscovered'].includes(recorder.itemStatus))
    return false;
  const recorded =
    recorder.strategy === 'EXCLUSION_BY_RESOURCE_TYPES'
      ? !recorder.excludedTypes.includes(EKS_CLUSTER_TYPE)
      : recorder.allSupported === true || recorder.resourceTypes.includes(EKS_CLUSTER_TYPE);
  if (!recorded) return false;
  const override = recorder.frequencyOverrides.find((o) => o.resourceTypes.includes(EKS_CLUSTER_TYPE));
  return (override?.frequency ?? recorder.frequency ?? 'CONTINUOUS') === 'CONTINUOUS';
}
