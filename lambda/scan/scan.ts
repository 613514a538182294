/**
 * One scan: collect every target, run the checks, say what completed, and assemble the report.
 * The CLI and the Lambda handler both call this; neither holds scan logic of its own.
 */
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { buildCheckContext } from '../checks/context';
import { runChecks } from '../checks/engine';
import { CHECKS } from '../checks/registry';
import type { Check, ScanConfig } from '../checks/types';
import { enabledRegions, resolveCallerAccount } from '../collect/account';
import { AddonOffers } from '../collect/addons';
import type { ApiCallCounter } from '../collect/api-calls';
import type { AccountClients } from '../collect/clients';
import type { AggregatorReadings } from '../collect/discovery';
import { collectIdentity } from '../collect/identity';
import { ManagedPolicyCache } from '../collect/managed-policies';
import { collectRegion } from '../collect/region';
import { VersionSupport } from '../collect/version-support';
import { describeAwsError, ScanError, TargetError } from '../errors';
import { isPartition, type Partition, SECURITY_HUB_PARTITIONS } from '../model/arn';
import type { Coverage } from '../model/coverage';
import { compareText } from '../model/order';
import { type DiscoveryReport, GLOBAL_REGION, type ScanReport, type ScanTarget } from '../model/report';
import type {
  AccountIdentitySnapshot,
  AccountSnapshot,
  RegionSnapshot,
  ScanSnapshot,
} from '../model/snapshot';
import { applyMutelist, expiredWarning, type Mutelist } from '../mutelist/mutelist';
import { coverageOf, type ProvenEmptyRegion } from './coverage';
import type { DiscoverySetting } from './discovery-setting';

/** A scan's report, what it completed, and the snapshots behind it (for the publisher to describe resources). */
export interface ScanRun {
  readonly report: ScanReport;
  readonly coverage: Coverage;
  readonly snapshot: ScanSnapshot;
}

export interface ScanProgress {
  readonly accountsDone: number;
  readonly accountsTotal: number;
  readonly targetsDone: number;
  readonly targetsTotal: number;
  readonly clusters: number;
  readonly roles: number;
}

/**
 * One account to scan: its clients (its own credentials), and its id and partition when known
 * beforehand; otherwise both come from sts:GetCallerIdentity.
 */
export type AccountTarget =
  | { readonly clients: AccountClients; readonly accountId?: undefined }
  | { readonly clients: AccountClients; readonly accountId: string; readonly partition: string };

export interface ScanOptions {
  readonly accounts: readonly AccountTarget[];
  readonly apiCalls: ApiCallCounter;
  /** Region of the global calls, and of account-wide results that name no issuer when it is scanned. */
  readonly homeRegion: string;
  /** Default: each account's enabled regions. */
  readonly regions?: readonly string[];
  readonly config: ScanConfig;
  readonly clock?: () => Date;
  readonly checks?: readonly Check[];
  /** Accepted risks: the results they match are marked muted. */
  readonly mutelist?: Mutelist;
  /** Accounts collected at once. @default 8 */
  readonly accountConcurrency?: number;
  /**
   * Regions of one account collected at once. @default 4, or 32 when the scan has one account (a
   * fanned-out invocation, a CLI run on one account): the same account regions in flight as 8
   * accounts of 4 regions, and every region of the account in one wave.
   */
  readonly regionConcurrency?: number;
  readonly onProgress?: (progress: ScanProgress) => void;
  /**
   * How the regions to list are found, and the clients that read the aggregator (the caller's: the
   * aggregator account's). @default every region of every account is listed, and the report says nothing of discovery
   */
  readonly discovery?: { readonly setting: DiscoverySetting; readonly clients: AccountClients };
}

/** Which account regions discovery lets the scan leave unlisted. */
interface RegionFilter {
  /** True when the region is proven to hold no cluster: it is not listed. */
  provenEmpty(accountId: string, region: string): boolean;
}

const LIST_EVERY_REGION: RegionFilter = { provenEmpty: () => false };

export async function runScan(options: ScanOptions): Promise<ScanRun> {
  const clock = options.clock ?? (() => new Date());
  const checks = options.checks ?? CHECKS;
  const started = clock();
  const targets: ScanTarget[] = [];
  const progress = {
    accountsDone: 0,
    accountsTotal: options.accounts.length,
    targetsDone: 0,
    targetsTotal: 0,
    clusters: 0,
    roles: 0,
  };
  const tracker: Tracker = {
    planned(count) {
      progress.targetsTotal += count;
      options.onProgress?.({ ...progress });
    },
    done(target, found = {}) {
      targets.push(target);
      progress.targetsDone += 1;
      progress.clusters += found.clusters ?? 0;
      progress.roles += found.roles ?? 0;
      options.onProgress?.({ ...progress });
    },
    accountDone() {
      progress.accountsDone += 1;
      options.onProgress?.({ ...progress });
    },
  };
  // Before any account: which of their regions need no listing.
  const discovered = await discover(options, clock);
  const limit = pLimit(options.accountConcurrency ?? 8);
  const versions = new VersionSupport(clock);
  // AWS-managed policies are the same in every account: each is read once per run.
  const managedPolicies = new ManagedPolicyCache();
  // What EKS offers of each add-on is the same in every account: read once per region and version.
  const addonOffers = new AddonOffers();
  const scans = (
    await Promise.all(
      options.accounts.map((account) =>
        limit(() =>
          scanAccount(
            account,
            options,
            tracker,
            { versions, managedPolicies, addonOffers },
            discovered.filter,
          ).finally(() => tracker.accountDone()),
        ),
      ),
    )
  ).filter((scan): scan is AccountScan => scan !== undefined);
  const accounts = scans.map((scan) => scan.snapshot);
  const provenEmpty = scans.flatMap((scan) => scan.provenEmpty);
  const snapshot: ScanSnapshot = { accounts, versions: await versions.catalogs() };

  const context = buildCheckContext(snapshot, {
    config: options.config,
    now: clock(),
    homeRegion: options.homeRegion,
  });
  // IRSA results belong to their issuer's region: report them only where the scan runs, so that
  // `--regions` bounds everything a run says (and, when publishing, everything it touches).
  const scanned = new Set(accounts.flatMap((a) => a.regionNames.map((region) => `${a.accountId}/${region}`)));
  const judged = runChecks(checks, snapshot, context, CHECKS).filter((result) =>
    scanned.has(`${result.accountId}/${result.region}`),
  );
  const tags = clusterTagsOf(snapshot);
  const muting = applyMutelist(judged, options.mutelist, {
    now: context.now,
    clusterTags: (arn) => tags.get(arn),
  });
  const { mutelist } = options;
  const warnings = mutelist ? muting.expired.map((e) => expiredWarning(mutelist, e)) : [];
  const finished = clock();
  const report: ScanReport = {
    schemaVersion: 1,
    scanId: randomUUID(),
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    targets: targets.sort((a, b) => compareText(a.accountId, b.accountId) || compareText(a.region, b.region)),
    results: muting.results,
    ...(warnings.length > 0 ? { warnings } : {}),
    stats: { apiCalls: options.apiCalls.snapshot(), durationMs: finished.getTime() - started.getTime() },
    ...(discovered.report ? { discovery: discovered.report(provenEmpty.length) } : {}),
  };
  return { report, coverage: coverageOf(accounts, checks, provenEmpty), snapshot };
}

interface Discovered {
  readonly filter: RegionFilter;
  /** What the report says of discovery, given the account regions it let go unlisted. */
  readonly report?: (skipped: number) => DiscoveryReport;
}

/**
 * Reads the aggregator once, when discovery is configured. Any failure lists every region, and the
 * report says why: discovery may cost a scan its savings, never a cluster.
 */
async function discover(options: ScanOptions, clock: () => Date): Promise<Discovered> {
  const configured = options.discovery;
  if (configured === undefined) return { filter: LIST_EVERY_REGION };
  const { setting, clients } = configured;
  if (setting.kind === 'list') return { filter: LIST_EVERY_REGION, report: () => ({ kind: 'list' }) };
  const { aggregator } = setting;
  // Only discovery runs load the Config SDK.
  const { CONFIG_SERVICE, readAggregator, unprovenReason } = await import('../collect/discovery');
  const ids = options.accounts.map((a) => a.accountId);
  let readings: AggregatorReadings;
  try {
    readings = await readAggregator(
      clients.service(CONFIG_SERVICE, setting.region ?? options.homeRegion),
      aggregator,
      // The queries may be narrowed to the scan's accounts only when every one of them is known.
      ids.includes(undefined) ? {} : { accounts: ids.filter((id): id is string => id !== undefined) },
    );
  } catch (error) {
    const fallback = oneLine(error);
    return {
      filter: LIST_EVERY_REGION,
      report: () => ({ kind: 'config', aggregator, skipped: 0, fallback }),
    };
  }
  // One instant for every account: the proof's freshness does not drift over a long scan.
  const now = clock();
  return {
    filter: {
      provenEmpty: (accountId, region) => unprovenReason(readings, accountId, region, { now }) === undefined,
    },
    report: (skipped) => ({ kind: 'config', aggregator, skipped }),
  };
}

/** One account's snapshot, and the regions of it that discovery proved empty (not listed, in `regionNames`). */
interface AccountScan {
  readonly snapshot: AccountSnapshot;
  readonly provenEmpty: readonly ProvenEmptyRegion[];
}

function clusterTagsOf(snapshot: ScanSnapshot): Map<string, Readonly<Record<string, string>>> {
  const tags = new Map<string, Readonly<Record<string, string>>>();
  for (const listed of snapshot.accounts.flatMap((a) => a.regions.flatMap((r) => r.clusters))) {
    if (listed.description.known && listed.description.value.tags) {
      tags.set(listed.arn, listed.description.value.tags);
    }
  }
  return tags;
}

/** What every account of the run reads through, so that the organization reads it once. */
interface RunShared {
  readonly versions: VersionSupport;
  readonly managedPolicies: ManagedPolicyCache;
  readonly addonOffers: AddonOffers;
}

interface Tracker {
  planned(count: number): void;
  done(target: ScanTarget, found?: { clusters?: number; roles?: number }): void;
  accountDone(): void;
}

/**
 * One account: its identity and regions, its IAM data once, and each region. Whatever fails
 * becomes a failed target with the reason; nothing of it stops the other accounts.
 */
async function scanAccount(
  account: AccountTarget,
  options: ScanOptions,
  tracker: Tracker,
  { versions, managedPolicies, addonOffers }: RunShared,
  filter: RegionFilter,
): Promise<AccountScan | undefined> {
  const { clients } = account;
  let accountId: string | undefined = account.accountId;
  let partition: Partition;
  let regions: readonly string[];
  try {
    const known = account.accountId === undefined ? await resolveCallerAccount(clients.sts()) : account;
    accountId = known.accountId;
    const named = known.partition;
    // Findings name the partition in their product ARN and resources: one they cannot name is not guessed.
    if (!isPartition(named)) {
      throw new ScanError(
        `account ${accountId} is in partition '${named}', which Security Hub findings cannot name (supported: ${SECURITY_HUB_PARTITIONS.join(', ')})`,
      );
    }
    partition = named;
    regions = options.regions ?? (await enabledRegions(clients.ec2(options.homeRegion)));
  } catch (error) {
    // Without an identity, a partition or a region list there is nothing to scan: one failed target says why.
    tracker.planned(1);
    tracker.done({
      accountId: accountId ?? 'unknown',
      region: GLOBAL_REGION,
      status: 'FAILED',
      error: oneLine(error),
    });
    return undefined;
  }
  const id = accountId;
  const target = { accountId: id, partition };
  // Regions proven empty are covered (results are reported in them, their scopes complete) but not listed.
  const provenEmpty = regions.filter((region) => filter.provenEmpty(id, region));
  const listed = regions.filter((region) => !provenEmpty.includes(region));
  tracker.planned(listed.length + 1);
  const fail = (error: unknown, region: string): ScanTarget => ({
    accountId: id,
    region,
    status: 'FAILED',
    error: error instanceof TargetError ? error.message : `${region} in account ${id}: ${oneLine(error)}`,
  });

  const identityTask = collectIdentity(clients.iam(), id, managedPolicies).then(
    (identity): AccountIdentitySnapshot => {
      tracker.done(
        { accountId: id, region: GLOBAL_REGION, status: 'SCANNED' },
        { roles: identity.roles.length },
      );
      return identity;
    },
    (error: unknown) => {
      tracker.done(fail(error, GLOBAL_REGION));
      return undefined;
    },
  );
  const limit = pLimit(options.regionConcurrency ?? (options.accounts.length === 1 ? 32 : 4));
  const regionTasks = listed.map((region) =>
    limit(async (): Promise<RegionSnapshot | undefined> => {
      try {
        const snapshot = await collectRegion(clients, { ...target, region }, { versions, addonOffers });
        tracker.done({ accountId: id, region, status: 'SCANNED' }, { clusters: snapshot.clusters.length });
        return snapshot;
      } catch (error) {
        tracker.done(fail(error, region));
        return undefined;
      }
    }),
  );
  const identity = await identityTask;
  const snapshots = (await Promise.all(regionTasks)).filter((s): s is RegionSnapshot => s !== undefined);
  // Account-wide results that name no issuer go to the home region, or the first scanned one.
  const homeRegion = regions.includes(options.homeRegion)
    ? options.homeRegion
    : ([...regions].sort()[0] ?? options.homeRegion);
  return {
    snapshot: {
      accountId: id,
      partition,
      homeRegion,
      regionNames: regions,
      regions: snapshots,
      ...(identity ? { identity } : {}),
    },
    provenEmpty: provenEmpty.map((region) => ({ accountId: id, region })),
  };
}

function oneLine(error: unknown): string {
  return error instanceof ScanError ? error.message : describeAwsError(error);
}
