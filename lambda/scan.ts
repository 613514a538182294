/**
 * One scan: collect every target, run the checks, and assemble the report. The CLI and the Lambda
 * handler both call this; neither holds scan logic of its own.
 */
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { runChecks } from './checks/engine';
import { CHECKS } from './checks/registry';
import type { Check, CheckContext, ScanConfig } from './checks/types';
import { enabledRegions, resolveCallerAccount } from './collect/account';
import type { ApiCallCounter } from './collect/api-calls';
import type { AccountClients } from './collect/clients';
import { collectClusters } from './collect/clusters';
import { collectIdentity, GLOBAL_REGION } from './collect/identity';
import { collectKeyStates } from './collect/keys';
import { collectVersions } from './collect/versions';
import { describeAwsError, TargetError } from './errors';
import { compareText } from './model/order';
import type { CheckResult } from './model/result';
import type {
  AccountIdentitySnapshot,
  ClusterSnapshot,
  RegionSnapshot,
  RoleSnapshot,
  VersionCatalog,
} from './model/snapshot';
import { issuerFromUrl, parseEksProviderArn } from './policy/eks-oidc';
import type { PublishSummary } from './publish/publish';

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

export interface ScanOptions {
  readonly clients: AccountClients;
  readonly apiCalls: ApiCallCounter;
  /** Region of the global calls, and of account-wide results that name no issuer when it is scanned. */
  readonly homeRegion: string;
  /** Default: the account's enabled regions. */
  readonly regions?: readonly string[];
  readonly config: ScanConfig;
  readonly clock?: () => Date;
  readonly checks?: readonly Check[];
  /** Regions collected at once. @default 4 */
  readonly regionConcurrency?: number;
  readonly onProgress?: (progress: ScanProgress) => void;
}

export async function runScan(options: ScanOptions): Promise<ScanRun> {
  const clock = options.clock ?? (() => new Date());
  const started = clock();
  const { clients } = options;
  const { accountId, partition } = await resolveCallerAccount(clients.sts());
  const regions = options.regions ?? (await enabledRegions(clients.ec2(options.homeRegion)));

  const targets: ScanTarget[] = [];
  const progress = { targetsDone: 0, targetsTotal: regions.length + 1, clusters: 0, roles: 0 };
  const done = (target: ScanTarget) => {
    targets.push(target);
    progress.targetsDone += 1;
    options.onProgress?.({ ...progress });
  };
  const fail = (error: unknown, region: string): ScanTarget => ({
    accountId,
    region,
    status: 'FAILED',
    error: error instanceof TargetError ? error.message : describeAwsError(error),
  });

  const identityTask = collectIdentity(clients.iam(), accountId).then(
    (identity) => {
      progress.roles += identity.roles.length;
      done({ accountId, region: GLOBAL_REGION, status: 'SCANNED' });
      return identity;
    },
    (error: unknown) => {
      done(fail(error, GLOBAL_REGION));
      return undefined;
    },
  );

  const limit = pLimit(options.regionConcurrency ?? 4);
  const regionTasks = regions.map((region) =>
    limit(async (): Promise<RegionSnapshot | undefined> => {
      try {
        const found = await collectClusters(clients.eks(region), { accountId, partition, region });
        // Version data and key states are only needed, and only read, where clusters exist.
        const listed = found.clusters.length + found.undescribed.length;
        const versions = listed > 0 ? await collectVersions(clients.eks(region), clock()) : undefined;
        const keyArns = found.clusters
          .flatMap((c) => c.encryptionConfig ?? [])
          .flatMap((e) => (e.keyArn ? [e.keyArn] : []));
        const keys = await collectKeyStates(clients, keyArns, region);
        progress.clusters += listed;
        done({ accountId, region, status: 'SCANNED' });
        return { accountId, region, ...found, ...(versions ? { versions } : {}), keys };
      } catch (error) {
        done(fail(error, region));
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
  const context = buildContext(snapshots, identity ? [identity] : [], { ...options, homeRegion }, clock());
  // IRSA results belong to their issuer's region: report them only where the scan runs, so that
  // `--regions` bounds everything a run says (and, when publishing, everything it touches).
  const scanned = new Set(regions);
  const results = runChecks(
    options.checks ?? CHECKS,
    {
      clusters: snapshots.flatMap((s) => s.clusters),
      undescribed: snapshots.flatMap((s) => s.undescribed),
      roles: identity?.roles ?? [],
    },
    context,
  ).filter((result) => scanned.has(result.region));
  const finished = clock();
  const inventory: Inventory = {
    clusters: new Map(snapshots.flatMap((s) => s.clusters).map((c) => [c.arn, c])),
    roles: new Map((identity?.roles ?? []).map((r) => [r.arn, r])),
    partitions: new Map([[accountId, partition]]),
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

function buildContext(
  regions: readonly RegionSnapshot[],
  identities: readonly AccountIdentitySnapshot[],
  options: ScanOptions,
  now: Date,
): CheckContext {
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
  const providers = new Map(identities.map((i) => [i.accountId, i.oidcProviderArns]));
  const registered = new Set(identities.flatMap((i) => i.oidcProviderArns).map(providerKey));
  return {
    now,
    config: options.config,
    homeRegion: options.homeRegion,
    versions: (region) => versions.get(region),
    keyState: (keyArn) => keys.get(keyArn),
    isRegisteredProvider: (arn) => registered.has(providerKey(arn)),
    clustersWithIssuer: (issuer) => clustersByIssuer.get(issuer.toLowerCase()) ?? [],
    providersOf: (account) => providers.get(account) ?? [],
  };
}

/** IAM compares provider URLs without regard to case; the account is part of the identity. */
function providerKey(arn: string): string {
  const provider = parseEksProviderArn(arn);
  return provider ? `${provider.accountId}/${provider.issuer}` : arn.toLowerCase();
}
