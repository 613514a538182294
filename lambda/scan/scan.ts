/**
 * One scan: collect every target, run the checks, and assemble the report. The CLI and the Lambda
 * handler both call this; neither holds scan logic of its own.
 */
import { randomUUID } from 'node:crypto';
import type { EKSClient } from '@aws-sdk/client-eks';
import pLimit from 'p-limit';
import { runChecks } from '../checks/engine';
import { CHECKS } from '../checks/registry';
import type { Check, CheckContext, ScanConfig } from '../checks/types';
import { enabledRegions, resolveCallerAccount } from '../collect/account';
import type { ApiCallCounter } from '../collect/api-calls';
import type { AccountClients } from '../collect/clients';
import { collectClusterResources } from '../collect/cluster-resources';
import { collectClusters } from '../collect/clusters';
import { collectIdentity, GLOBAL_REGION } from '../collect/identity';
import { collectKeyStates } from '../collect/keys';
import { nodegroupArnPrefix } from '../collect/nodegroups';
import { collectVersions } from '../collect/version-support';
import { describeAwsError, ScanError, TargetError } from '../errors';
import { compareText } from '../model/order';
import type { CheckResult } from '../model/result';
import type {
  AccountIdentitySnapshot,
  ClusterSnapshot,
  NodegroupSnapshot,
  RegionSnapshot,
  RoleSnapshot,
  VersionCatalog,
} from '../model/snapshot';
import { issuerFromUrl, parseEksProviderArn } from '../policy/eks-oidc';
import type { PublishSummary } from '../publish/publish';

export interface ScanTarget {
  readonly accountId: string;
  /** An AWS region, or `global` for the account's IAM data. */
  readonly region: string;
  readonly status: 'SCANNED' | 'FAILED';
  readonly error?: string;
}

export interface ScanReport {
  readonly schemaVersion: 1;
  readonly scanId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly targets: readonly ScanTarget[];
  readonly results: readonly CheckResult[];
  readonly stats: { readonly apiCalls: Record<string, number>; readonly durationMs: number };
  /** Present when the run published to Security Hub. */
  readonly publish?: PublishSummary;
}

/** What the checks looked at, for the publisher to describe resources in findings. */
export interface Inventory {
  readonly clusters: ReadonlyMap<string, ClusterSnapshot>;
  readonly roles: ReadonlyMap<string, RoleSnapshot>;
  /** The AWS partition of each scanned account. */
  readonly partitions: ReadonlyMap<string, string>;
  /** `<account>/<region>` scopes where some cluster could not be described. */
  readonly undescribedScopes: ReadonlySet<string>;
  readonly nodegroups: ReadonlyMap<string, NodegroupSnapshot>;
  /**
   * Node group ARNs, or prefixes of them, whose node groups were not all seen: a cluster whose node
   * groups could not be listed, or a node group that could not be described. Findings on them are kept.
   */
  readonly unsettledNodegroupArns: readonly string[];
}

export interface ScanRun {
  readonly report: ScanReport;
  readonly inventory: Inventory;
}

export interface ScanProgress {
  readonly targetsDone: number;
  readonly targetsTotal: number;
  readonly clusters: number;
  readonly roles: number;
}

/** One account to scan: its clients (its own credentials), and its id when known beforehand. */
export interface AccountTarget {
  readonly clients: AccountClients;
  /** Resolved with sts:GetCallerIdentity when absent. */
  readonly accountId?: string;
  /** Known with the account id. @default 'aws' */
  readonly partition?: string;
}

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
  /** Accounts collected at once. @default 8 */
  readonly accountConcurrency?: number;
  /** Regions of one account collected at once. @default 4 */
  readonly regionConcurrency?: number;
  readonly onProgress?: (progress: ScanProgress) => void;
}

/** What one account gave: its targets and snapshots, whatever failed. */
interface AccountScan {
  readonly accountId: string;
  readonly partition: string;
  readonly regions: readonly string[];
  readonly homeRegion: string;
  readonly identity?: AccountIdentitySnapshot;
  readonly snapshots: readonly RegionSnapshot[];
}

export async function runScan(options: ScanOptions): Promise<ScanRun> {
  const clock = options.clock ?? (() => new Date());
  const started = clock();
  const targets: ScanTarget[] = [];
  const progress = { targetsDone: 0, targetsTotal: 0, clusters: 0, roles: 0 };
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
  };
  const limit = pLimit(options.accountConcurrency ?? 8);
  const versions = new VersionCache(clock);
  const scans = (
    await Promise.all(
      options.accounts.map((account) => limit(() => scanAccount(account, options, tracker, versions))),
    )
  ).filter((scan): scan is AccountScan => scan !== undefined);

  const context = buildContext(scans, options, clock());
  // IRSA results belong to their issuer's region: report them only where the scan runs, so that
  // `--regions` bounds everything a run says (and, when publishing, everything it touches).
  const scanned = new Set(
    scans.flatMap((scan) => scan.regions.map((region) => `${scan.accountId}/${region}`)),
  );
  const snapshots = scans.flatMap((scan) => scan.snapshots);
  const roles = scans.flatMap((scan) => scan.identity?.roles ?? []);
  const results = runChecks(
    options.checks ?? CHECKS,
    {
      clusters: snapshots.flatMap((s) => s.clusters),
      undescribed: snapshots.flatMap((s) => s.undescribed),
      nodegroups: snapshots.flatMap((s) => s.nodegroups),
      undescribedNodegroups: snapshots.flatMap((s) => s.undescribedNodegroups),
      roles,
    },
    context,
  ).filter((result) => scanned.has(`${result.accountId}/${result.region}`));
  const finished = clock();
  const inventory: Inventory = {
    clusters: new Map(snapshots.flatMap((s) => s.clusters).map((c) => [c.arn, c])),
    roles: new Map(roles.map((r) => [r.arn, r])),
    partitions: new Map(scans.map((scan) => [scan.accountId, scan.partition])),
    undescribedScopes: new Set(
      snapshots.filter((s) => s.undescribed.length > 0).map((s) => `${s.accountId}/${s.region}`),
    ),
    nodegroups: new Map(snapshots.flatMap((s) => s.nodegroups).map((n) => [n.arn, n])),
    unsettledNodegroupArns: snapshots.flatMap((s) => [
      ...s.unlistedNodegroups.map((u) => nodegroupArnPrefix(u.clusterArn)),
      ...s.undescribedNodegroups.map((n) => n.arn),
    ]),
  };
  const report: ScanReport = {
    schemaVersion: 1,
    scanId: randomUUID(),
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    targets: targets.sort((a, b) => compareText(a.accountId, b.accountId) || compareText(a.region, b.region)),
    results,
    stats: { apiCalls: options.apiCalls.snapshot(), durationMs: finished.getTime() - started.getTime() },
  };
  return { report, inventory };
}

/**
 * Version support is the same for every account: each region's is read once per run, by the first
 * account that has clusters there, and shared.
 */
class VersionCache {
  private readonly byRegion = new Map<string, Promise<VersionCatalog>>();
  constructor(private readonly clock: () => Date) {}

  get(region: string, eks: EKSClient): Promise<VersionCatalog> {
    let catalog = this.byRegion.get(region);
    if (catalog === undefined) {
      catalog = collectVersions(eks, this.clock());
      this.byRegion.set(region, catalog);
    }
    return catalog;
  }
}

interface Tracker {
  planned(count: number): void;
  done(target: ScanTarget, found?: { clusters?: number; roles?: number }): void;
}

/**
 * One account: its identity and regions, its IAM data once, and each region. Whatever fails
 * becomes a failed target with the reason; nothing of it stops the other accounts.
 */
async function scanAccount(
  account: AccountTarget,
  options: ScanOptions,
  tracker: Tracker,
  versions: VersionCache,
): Promise<AccountScan | undefined> {
  const { clients } = account;
  let accountId = account.accountId;
  let partition = account.partition ?? 'aws';
  let regions: readonly string[];
  try {
    if (accountId === undefined) ({ accountId, partition } = await resolveCallerAccount(clients.sts()));
    regions = options.regions ?? (await enabledRegions(clients.ec2(options.homeRegion)));
  } catch (error) {
    // Without an identity or a region list there is nothing to scan: one failed target says why.
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
  tracker.planned(regions.length + 1);
  const fail = (error: unknown, region: string): ScanTarget => ({
    accountId: id,
    region,
    status: 'FAILED',
    error: error instanceof TargetError ? error.message : `${region} in account ${id}: ${oneLine(error)}`,
  });

  const identityTask = collectIdentity(clients.iam(), id).then(
    (identity) => {
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
  const limit = pLimit(options.regionConcurrency ?? 4);
  const regionTasks = regions.map((region) =>
    limit(async (): Promise<RegionSnapshot | undefined> => {
      try {
        const eks = clients.eks(region);
        const found = await collectClusters(eks, { accountId: id, partition, region });
        // Version data, key states and the rest are only needed, and only read, where clusters exist.
        const listed = found.clusters.length + found.undescribed.length;
        const keyArns = found.clusters
          .flatMap((c) => c.encryptionConfig ?? [])
          .flatMap((e) => (e.keyArn ? [e.keyArn] : []));
        const [catalog, keys, resources] = await Promise.all([
          listed > 0 ? versions.get(region, eks) : undefined,
          collectKeyStates(clients, keyArns, region),
          collectClusterResources(eks, clients.ec2(region), found.clusters, found.undescribed),
        ]);
        tracker.done({ accountId: id, region, status: 'SCANNED' }, { clusters: listed });
        return {
          accountId: id,
          region,
          undescribed: found.undescribed,
          ...resources,
          ...(catalog ? { versions: catalog } : {}),
          keys,
        };
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
  return { accountId: id, partition, regions, homeRegion, ...(identity ? { identity } : {}), snapshots };
}

function oneLine(error: unknown): string {
  return error instanceof ScanError ? error.message : describeAwsError(error);
}

function buildContext(scans: readonly AccountScan[], options: ScanOptions, now: Date): CheckContext {
  const regions = scans.flatMap((scan) => scan.snapshots);
  const identities = scans.flatMap((scan) => (scan.identity ? [scan.identity] : []));
  const versions = new Map<string, VersionCatalog>();
  const keys = new Map(regions.flatMap((r) => [...r.keys.entries()]));
  const clustersByIssuer = new Map<string, string[]>();
  for (const region of regions) {
    if (region.versions) versions.set(region.region, region.versions);
    for (const cluster of region.clusters) {
      const issuer = cluster.oidcIssuer === undefined ? undefined : issuerFromUrl(cluster.oidcIssuer);
      if (issuer === undefined) continue;
      clustersByIssuer.set(issuer, [...(clustersByIssuer.get(issuer) ?? []), cluster.arn].sort());
    }
  }
  const networks = new Map(regions.map((r) => [`${r.accountId}/${r.region}`, r.network]));
  const associations = regions.flatMap((r) => r.podIdentity.associations);
  const unread = regions.flatMap((r) => r.podIdentity.unread.map((u) => ({ ...u, accountId: r.accountId })));
  const providers = new Map(identities.map((i) => [i.accountId, i.oidcProviderArns]));
  const registered = new Set(identities.flatMap((i) => i.oidcProviderArns).map(providerKey));
  const homeRegions = new Map(scans.map((scan) => [scan.accountId, scan.homeRegion]));
  return {
    now,
    config: options.config,
    homeRegion: (accountId) => homeRegions.get(accountId) ?? options.homeRegion,
    versions: (region) => versions.get(region),
    keyState: (keyArn) => keys.get(keyArn),
    isRegisteredProvider: (arn) => registered.has(providerKey(arn)),
    clustersWithIssuer: (issuer) => clustersByIssuer.get(issuer.toLowerCase()) ?? [],
    providersOf: (account) => providers.get(account) ?? [],
    network: (account, region) => networks.get(`${account}/${region}`),
    podIdentityUse: (roleArn) => {
      // Pod Identity uses roles of the cluster's own account.
      const account = roleArn.split(':')[4];
      return {
        associations: associations
          .filter((a) => a.roleArn === roleArn)
          .sort((a, b) => compareText(a.associationArn, b.associationArn)),
        unread: unread
          .filter((u) => u.accountId === account)
          .map(({ clusterArn, reason }) => ({ clusterArn, reason })),
      };
    },
  };
}

/** IAM compares provider URLs without regard to case; the account is part of the identity. */
function providerKey(arn: string): string {
  const provider = parseEksProviderArn(arn);
  return provider ? `${provider.accountId}/${provider.issuer}` : arn.toLowerCase();
}
