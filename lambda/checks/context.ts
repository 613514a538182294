/**
 * The one way a `CheckContext` is made: indexed once from a scan's snapshots. Production and tests
 * both build it here, from snapshots, so the indexing they rely on is the indexing that runs.
 */
import { arnAccount, parseArn } from '../model/arn';
import { compareText } from '../model/order';
import { known, type Readout, unknown } from '../model/readout';
import type {
  AccountSnapshot,
  ClusterSnapshot,
  KeyState,
  ListedCluster,
  NetworkSnapshot,
  RegionSnapshot,
  RoleSnapshot,
  ScanSnapshot,
} from '../model/snapshot';
import { issuerFromUrl, parseEksProviderArn } from '../policy/eks-oidc';
import { assessPermissions, type PermissionAssessment } from '../policy/permissions';
import type { CheckContext, PodIdentityUse, ScanConfig } from './types';

export interface ContextOptions {
  readonly config: ScanConfig;
  readonly now: Date;
  /** Home region of an account the snapshot does not hold. */
  readonly homeRegion: string;
}

export function buildCheckContext(snapshot: ScanSnapshot, options: ContextOptions): CheckContext {
  const regions = snapshot.accounts.flatMap((account) => account.regions);
  const clusters = regions.flatMap((r) => describedClusters(r.clusters));
  const identities = snapshot.accounts.flatMap((account) => (account.identity ? [account.identity] : []));

  const keys = new Map<string, KeyState>(regions.flatMap((r) => [...r.keys.entries()]));
  const networks = new Map<string, NetworkSnapshot>(
    regions.map((r) => [`${r.accountId}/${r.region}`, r.network]),
  );
  const regionsByPlace = new Map<string, RegionSnapshot>(
    regions.map((r) => [`${r.accountId}/${r.region}`, r]),
  );
  const accountsById = new Map<string, AccountSnapshot>(snapshot.accounts.map((a) => [a.accountId, a]));
  const clustersByIssuer = new Map<string, string[]>();
  for (const cluster of clusters) {
    const issuer = cluster.oidcIssuer === undefined ? undefined : issuerFromUrl(cluster.oidcIssuer);
    if (issuer !== undefined)
      clustersByIssuer.set(issuer, [...(clustersByIssuer.get(issuer) ?? []), cluster.arn]);
  }
  for (const arns of clustersByIssuer.values()) arns.sort(compareText);
  const associations = clusters
    .flatMap((c) => (c.podIdentityAssociations.known ? c.podIdentityAssociations.value : []))
    .sort((a, b) => compareText(a.associationArn, b.associationArn));
  // Clusters whose associations could not be read, then those not described at all.
  const unknownAssociations = regions.flatMap((r) => [
    ...describedClusters(r.clusters).flatMap((c) =>
      c.podIdentityAssociations.known
        ? []
        : [{ accountId: r.accountId, clusterArn: c.arn, reason: c.podIdentityAssociations.reason }],
    ),
    ...r.clusters
      .filter((listed) => !listed.description.known)
      .map((listed) => ({
        accountId: r.accountId,
        clusterArn: listed.arn,
        reason: 'the cluster could not be described',
      })),
  ]);
  const providers = new Map(identities.map((i) => [i.accountId, [...i.oidcProviderArns].sort(compareText)]));
  const registered = new Set(identities.flatMap((i) => i.oidcProviderArns).map(providerKey));
  const homeRegions = new Map(snapshot.accounts.map((account) => [account.accountId, account.homeRegion]));
  const rolesByArn = new Map(identities.flatMap((i) => i.roles.map((role) => [role.arn, role] as const)));
  const unread = new Set(snapshot.accounts.filter((a) => a.identity === undefined).map((a) => a.accountId));
  // Judged once per role: IRSA (one result per issuer), Pod Identity and the exposure paths all ask.
  const assessed = new WeakMap<RoleSnapshot, PermissionAssessment>();

  return {
    now: options.now,
    config: options.config,
    homeRegion: (accountId) => homeRegions.get(accountId) ?? options.homeRegion,
    versions: (region) => snapshot.versions.get(region),
    keyState: (keyArn) => keys.get(keyArn),
    isRegisteredProvider: (arn) => registered.has(providerKey(arn)),
    clustersWithIssuer: (issuer) => clustersByIssuer.get(issuer.toLowerCase()) ?? [],
    providersOf: (accountId) => providers.get(accountId) ?? [],
    network: (accountId, region) => networks.get(`${accountId}/${region}`),
    podIdentityUse: (roleArn): PodIdentityUse => {
      // Pod Identity uses roles of the cluster's own account.
      const account = arnAccount(roleArn);
      return {
        associations: associations.filter((a) => a.roleArn === roleArn),
        unknown: unknownAssociations
          .filter((u) => u.accountId === account)
          .map(({ clusterArn, reason }) => ({ clusterArn, reason })),
      };
    },
    permissions: (role) => {
      let assessment = assessed.get(role);
      if (assessment === undefined) {
        assessment = assessPermissions(role.permissions);
        assessed.set(role, assessment);
      }
      return assessment;
    },
    role: (arn) => rolesByArn.get(arn),
    rolesOf: (accountId) => identities.find((i) => i.accountId === accountId)?.roles ?? [],
    identityUnread: (accountId) =>
      unread.has(accountId) ? `the IAM data of account ${accountId} could not be read` : undefined,
    isScanned: (accountId) => homeRegions.has(accountId),
    unreadIdentities: () => [...unread].sort(),
    logGroups: (accountId, region) => regionsByPlace.get(`${accountId}/${region}`)?.logGroups,
    launchTemplate: (accountId, region, key) =>
      regionsByPlace.get(`${accountId}/${region}`)?.launchTemplates.get(key),
    principalExists: (arn) => principalExists(arn, accountsById),
    clustersUnknown: (accountId, region) => clustersUnknown(accountsById.get(accountId), region),
    issuersUnknown: (region) => {
      const reasons = snapshot.accounts.flatMap((account) => {
        if (!account.regionNames.includes(region)) return [];
        const reason = clustersUnknown(account, region);
        if (reason !== undefined) return [reason];
        const read = account.regions.find((r) => r.region === region);
        const silent = describedClusters(read?.clusters ?? [])
          .filter((c) => c.oidcIssuer === undefined)
          .map((c) => c.name);
        return silent.length === 0
          ? []
          : [`cluster(s) ${silent.join(', ')} of account ${account.accountId} named no OIDC issuer`];
      });
      if (reasons.length === 0) return undefined;
      return reasons.length > 3
        ? `${reasons.slice(0, 3).join('; ')}; and ${reasons.length - 3} more`
        : reasons.join('; ');
    },
  };
}

/** Roles and users are matched by account and name: IAM names are unique in an account, whatever the path or case. */
function principalExists(arn: string, accounts: ReadonlyMap<string, AccountSnapshot>): Readout<boolean> {
  const parsed = parseArn(arn);
  const [kind, ...path] = parsed?.service === 'iam' ? parsed.resource.split('/') : [];
  const name = path.at(-1);
  if (parsed === undefined || (kind !== 'role' && kind !== 'user') || !name) {
    return unknown(`${arn} is not an IAM role or user ARN`);
  }
  const account = accounts.get(parsed.accountId);
  if (account === undefined) return unknown(`account ${parsed.accountId} is not scanned`);
  const identity = account.identity;
  if (identity === undefined) return unknown(`the IAM data of account ${parsed.accountId} could not be read`);
  // IAM names are unique in an account without regard to case.
  const same = (other: string | undefined) => other?.toLowerCase() === name.toLowerCase();
  if (kind === 'role') return known(identity.roles.some((role) => same(role.name)));
  if (!identity.users.known) return unknown(identity.users.reason);
  return known(identity.users.value.some((user) => same(user.split('/').at(-1))));
}

function clustersUnknown(account: AccountSnapshot | undefined, region: string): string | undefined {
  if (account === undefined) return 'the account is not scanned';
  if (!account.regionNames.includes(region))
    return `${region} is not scanned in account ${account.accountId}`;
  const read = account.regions.find((r) => r.region === region);
  if (read === undefined)
    return `the clusters of ${region} in account ${account.accountId} were not listed (the listing failed, or discovery left the region out)`;
  const undescribed = read.clusters.filter((c) => !c.description.known).map((c) => c.name);
  return undescribed.length === 0
    ? undefined
    : `cluster(s) ${undescribed.join(', ')} of ${region} in account ${account.accountId} could not be described`;
}

function describedClusters(listed: readonly ListedCluster[]): ClusterSnapshot[] {
  return listed.flatMap((c) => (c.description.known ? [c.description.value] : []));
}

/** IAM compares provider URLs without regard to case; the account is part of the identity. */
function providerKey(arn: string): string {
  const provider = parseEksProviderArn(arn);
  return provider ? `${provider.accountId}/${provider.issuer}` : arn.toLowerCase();
}
