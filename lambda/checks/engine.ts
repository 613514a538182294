/**
 * Runs the registry over a scan's snapshots. A check that throws yields NOT_AVAILABLE with the
 * reason, never a PASSED, and never stops the other checks or resources. A resource that could not
 * be described gets NOT_AVAILABLE from every check of its kind, with the reason.
 */

import { accountResourceId } from '../model/arn';
import { compareText } from '../model/order';
import {
  type CheckResult,
  notAvailable,
  type Outcome,
  outcomesOf,
  type ResourceRef,
  type ResourceType,
} from '../model/result';
import type { Readout, ScanSnapshot } from '../model/snapshot';
import { parseEksProviderArn } from '../policy/eks-oidc';
import {
  type Check,
  type CheckContext,
  type CheckOf,
  NO_PRIOR,
  type PriorResults,
  type SubjectOf,
} from './types';

/** One resource as the engine sees it: where its results go, and what was read of it. */
interface Subject<K extends ResourceType> {
  readonly accountId: string;
  readonly region: string;
  readonly resource: ResourceRef & { readonly type: K };
  readonly clusterArn?: string;
  readonly snapshot: Readout<SubjectOf[K]>;
}

/** Each kind of resource: how to find every one of them in a scan, and what to say when one could not be read. */
interface ResourceKind<K extends ResourceType> {
  readonly type: K;
  /** Detail of the NOT_AVAILABLE result for a resource that could not be described. */
  readonly notDescribed: string;
  subjects(snapshot: ScanSnapshot, context: CheckContext): Subject<K>[];
}

const clusters: ResourceKind<'AwsEksCluster'> = {
  type: 'AwsEksCluster',
  notDescribed: 'The cluster could not be described',
  subjects: (snapshot) =>
    snapshot.accounts.flatMap((account) =>
      account.regions.flatMap((region) =>
        region.clusters.map((listed) => ({
          accountId: region.accountId,
          region: region.region,
          resource: { type: 'AwsEksCluster', id: listed.arn, name: listed.name },
          clusterArn: listed.arn,
          snapshot: listed.description,
        })),
      ),
    ),
};

const nodegroups: ResourceKind<'AwsEksNodegroup'> = {
  type: 'AwsEksNodegroup',
  notDescribed: 'The node group could not be described',
  subjects: (snapshot) =>
    snapshot.accounts.flatMap((account) =>
      account.regions.flatMap((region) =>
        region.clusters.flatMap((listed) => {
          const cluster = listed.description;
          if (!cluster.known || !cluster.value.nodegroups.known) return [];
          return cluster.value.nodegroups.value.map((nodegroup) => ({
            accountId: region.accountId,
            region: region.region,
            resource: {
              type: 'AwsEksNodegroup' as const,
              // A node group that could not be described has no known ARN, and none is made up.
              ...(nodegroup.description.known ? { id: nodegroup.description.value.arn } : {}),
              name: `${listed.name}/${nodegroup.name}`,
            },
            clusterArn: listed.arn,
            snapshot: nodegroup.description,
          }));
        }),
      ),
    ),
};

const addons: ResourceKind<'AwsEksAddon'> = {
  type: 'AwsEksAddon',
  notDescribed: 'The add-on could not be described',
  subjects: (snapshot) =>
    snapshot.accounts.flatMap((account) =>
      account.regions.flatMap((region) =>
        region.clusters.flatMap((listed) => {
          const cluster = listed.description;
          if (!cluster.known || !cluster.value.addons.known) return [];
          return cluster.value.addons.value.map((addon) => ({
            accountId: region.accountId,
            region: region.region,
            resource: {
              type: 'AwsEksAddon' as const,
              // Like a node group's, an add-on's ARN ends in an id only DescribeAddon gives.
              ...(addon.description.known ? { id: addon.description.value.arn } : {}),
              name: `${listed.name}/${addon.name}`,
            },
            clusterArn: listed.arn,
            snapshot: addon.description,
          }));
        }),
      ),
    ),
};

const oidcProviders: ResourceKind<'AwsIamOidcProvider'> = {
  type: 'AwsIamOidcProvider',
  notDescribed: 'The OIDC provider could not be read',
  subjects: (snapshot) =>
    snapshot.accounts.flatMap((account) =>
      (account.identity?.oidcProviderArns ?? []).flatMap((arn) => {
        // Providers of other issuers (CI systems, identity providers) are not EKS's: not judged.
        const provider = parseEksProviderArn(arn);
        if (provider === undefined || provider.accountId !== account.accountId) return [];
        return [
          {
            accountId: account.accountId,
            // Placed in the issuer's region, where the cluster that issued it lived.
            region: provider.region,
            resource: { type: 'AwsIamOidcProvider' as const, id: arn, name: provider.issuer },
            snapshot: {
              known: true as const,
              value: { accountId: account.accountId, arn, issuer: provider.issuer, region: provider.region },
            },
          },
        ];
      }),
    ),
};

const accountRegions: ResourceKind<'AwsAccount'> = {
  type: 'AwsAccount',
  notDescribed: 'The account could not be read',
  subjects: (snapshot) =>
    snapshot.accounts.flatMap((account) =>
      // Only regions with clusters: coverage of the clusters is what is judged.
      account.regions
        .filter((region) => region.clusters.length > 0)
        .map((region) => ({
          accountId: account.accountId,
          region: region.region,
          resource: {
            type: 'AwsAccount' as const,
            id: accountResourceId(account.accountId),
            name: `${account.accountId}/${region.region}`,
          },
          snapshot: {
            known: true as const,
            value: {
              accountId: account.accountId,
              region: region.region,
              clusterArns: region.clusters.map((c) => c.arn).sort(compareText),
              detectors: region.threatDetection,
            },
          },
        })),
    ),
};

const roles: ResourceKind<'AwsIamRole'> = {
  type: 'AwsIamRole',
  notDescribed: 'The role could not be read',
  subjects: (snapshot, context) =>
    snapshot.accounts.flatMap((account) =>
      (account.identity?.roles ?? []).map((role) => ({
        accountId: role.accountId,
        // Results that name no issuer go to the account's home region.
        region: context.homeRegion(role.accountId),
        resource: { type: 'AwsIamRole' as const, id: role.arn, name: role.name },
        snapshot: { known: true as const, value: role },
      })),
    ),
};

/**
 * @param registry where the checks a derived check reads come from when they are not among
 *   `checks` themselves: they then run for it, and their results are not reported.
 */
export function runChecks(
  checks: readonly Check[],
  snapshot: ScanSnapshot,
  context: CheckContext,
  registry: readonly Check[] = checks,
): CheckResult[] {
  // Checks that combine others' results run once those are known.
  const direct = checks.filter((c) => c.metadata.derivedFrom === undefined);
  const derived = checks.filter((c) => c.metadata.derivedFrom !== undefined);
  const needed = new Set(derived.flatMap((c) => c.metadata.derivedFrom ?? []));
  const helpers = registry.filter(
    (c) => needed.has(c.metadata.id) && c.metadata.derivedFrom === undefined && !direct.includes(c),
  );
  const first = judgeAll(direct, snapshot, context, NO_PRIOR);
  const inputs = [...first, ...judgeAll(helpers, snapshot, context, NO_PRIOR)];
  const second = derived.flatMap((check) =>
    judgeAll([check], snapshot, context, priorResults(inputs, check.metadata.derivedFrom ?? [])),
  );
  return [...first, ...second].sort(compareResults);
}

function judgeAll(
  checks: readonly Check[],
  snapshot: ScanSnapshot,
  context: CheckContext,
  prior: PriorResults,
): CheckResult[] {
  return [
    ...judge(clusters, checks, snapshot, context, prior),
    ...judge(nodegroups, checks, snapshot, context, prior),
    ...judge(addons, checks, snapshot, context, prior),
    ...judge(roles, checks, snapshot, context, prior),
    ...judge(oidcProviders, checks, snapshot, context, prior),
    ...judge(accountRegions, checks, snapshot, context, prior),
  ];
}

function priorResults(results: readonly CheckResult[], checkIds: readonly string[]): PriorResults {
  const wanted = new Set(checkIds);
  const index = (key: (r: CheckResult) => string | undefined) => {
    const map = new Map<string, CheckResult[]>();
    for (const result of results) {
      const k = wanted.has(result.checkId) ? key(result) : undefined;
      if (k !== undefined) map.set(k, [...(map.get(k) ?? []), result]);
    }
    return (value: string) => map.get(value) ?? [];
  };
  const ofCluster = index((r) =>
    r.resource.type === 'AwsEksCluster' || r.resource.type === 'AwsEksNodegroup' ? r.clusterArn : undefined,
  );
  const ofIssuer = index((r) => r.oidcIssuer?.toLowerCase());
  const ofRole = index((r) => (r.resource.type === 'AwsIamRole' ? r.resource.id : undefined));
  return { ofCluster, ofIssuer: (issuer) => ofIssuer(issuer.toLowerCase()), ofRole };
}

function judge<K extends ResourceType>(
  kind: ResourceKind<K>,
  checks: readonly Check[],
  snapshot: ScanSnapshot,
  context: CheckContext,
  prior: PriorResults,
): CheckResult[] {
  const own = checks.filter((c): c is Check & CheckOf<K> => c.metadata.resourceType === kind.type);
  if (own.length === 0) return [];
  const results: CheckResult[] = [];
  for (const subject of kind.subjects(snapshot, context)) {
    for (const check of own) {
      const judged = subject.snapshot.known
        ? guarded(check, subject.snapshot.value, context, prior)
        : notAvailable(`${kind.notDescribed}: ${subject.snapshot.reason}`);
      for (const outcome of outcomesOf(judged))
        results.push({
          checkId: check.metadata.id,
          status: outcome.status,
          severity: outcome.severity,
          accountId: subject.accountId,
          region: outcome.region ?? subject.region,
          resource: subject.resource,
          ...(outcome.clusterArn !== undefined
            ? { clusterArn: outcome.clusterArn }
            : subject.clusterArn !== undefined
              ? { clusterArn: subject.clusterArn }
              : {}),
          ...(outcome.oidcIssuer === undefined ? {} : { oidcIssuer: outcome.oidcIssuer }),
          ...(outcome.trustGrade === undefined ? {} : { trustGrade: outcome.trustGrade }),
          ...(outcome.permissionTier === undefined ? {} : { permissionTier: outcome.permissionTier }),
          ...(outcome.related === undefined ? {} : { related: outcome.related }),
          title: check.metadata.title,
          detail: outcome.detail,
          remediation: check.metadata.remediation,
        });
    }
  }
  return results;
}

function guarded<K extends ResourceType>(
  check: CheckOf<K>,
  subject: SubjectOf[K],
  context: CheckContext,
  prior: PriorResults,
): Outcome | readonly Outcome[] | undefined {
  try {
    return check.evaluate(subject, context, prior);
  } catch (error) {
    return notAvailable(`Check ${check.metadata.id} failed on this resource: ${(error as Error).message}`);
  }
}

export function compareResults(a: CheckResult, b: CheckResult): number {
  return (
    compareText(a.accountId, b.accountId) ||
    compareText(a.region, b.region) ||
    compareText(a.resource.id ?? '', b.resource.id ?? '') ||
    compareText(a.resource.name, b.resource.name) ||
    compareText(a.checkId, b.checkId) ||
    compareText(a.oidcIssuer ?? '', b.oidcIssuer ?? '')
  );
}
