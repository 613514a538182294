/**
 * The fewest calls the fan-out can make for an organization, by `<service>:<Operation>`, worked
 * out from the model as scripts/bench.ts documents the floor, adjusted for one invocation per
 * account: `sts:GetCallerIdentity` once per invocation (list-accounts and each scan-account),
 * `eks:DescribeClusterVersions` once per account region with clusters and
 * `eks:DescribeAddonVersions` once per account region and distinct (add-on, Kubernetes version) of
 * its clusters (both are shared within an invocation, and an invocation is one account),
 * `events:PutEvents` once per scan-account invocation when the function emits its event. The
 * imports depend on how many findings each scope had: they come from what the backend counted.
 */
import type { Profile } from './context';
import { type AccountModel, MANAGEMENT_ACCOUNT, type OrgPlan } from './org-model';

export interface FloorOptions {
  readonly emitScanEvent: boolean;
  readonly publish: boolean;
  readonly profile: Profile;
  /** Each scan-account invocation reads the aggregator for its own account and lists only the regions with clusters. */
  readonly discovery?: boolean;
}

export function callFloor(
  plan: OrgPlan,
  models: readonly AccountModel[],
  importedPerScope: ReadonlyMap<string, number>,
  options: FloorOptions,
): Record<string, number> {
  const floor: Record<string, number> = {};
  const add = (key: string, n = 1) => {
    if (n > 0) floor[key] = (floor[key] ?? 0) + n;
  };
  const moto = options.profile === 'moto';
  // list-accounts
  add('sts:GetCallerIdentity');
  add('organizations:ListAccounts', Math.ceil(models.length / 20));
  for (const model of models) {
    add('sts:GetCallerIdentity');
    if (model.accountId !== MANAGEMENT_ACCOUNT && model.index !== 0) add('sts:AssumeRole');
    if (options.emitScanEvent) add('events:PutEvents');
    // The model's roles have no policies: one listing page per 1,000 roles (moto: one page), no GetPolicy.
    add('iam:GetAccountAuthorizationDetails', moto ? 1 : Math.max(1, Math.ceil(model.roles.length / 1000)));
    add('iam:ListOpenIDConnectProviders');
    // One page of 1,000 users (moto: one page whatever the count).
    add('iam:ListUsers', moto ? 1 : Math.max(1, Math.ceil(model.users.length / 1000)));
    if (options.discovery) {
      // The aggregator, its sources' status (one page of 17), the account's recorders and clusters (a page each).
      add('config:DescribeConfigurationAggregators');
      add('config:DescribeConfigurationAggregatorSourcesStatus');
      add('config:SelectAggregateResourceConfig', 2);
      add('eks:ListClusters', model.regions.filter((r) => r.clusters.length > 0).length);
    } else {
      add('eks:ListClusters', plan.regions.length);
    }
    for (const region of model.regions) {
      if (region.clusters.length === 0) continue;
      add('eks:DescribeClusterVersions');
      const clusters = region.clusters;
      add('eks:DescribeCluster', clusters.length);
      add('eks:ListNodegroups', clusters.length);
      add(
        'eks:DescribeNodegroup',
        clusters.reduce((n, c) => n + c.nodegroups.length, 0),
      );
      const apiModes = clusters.filter((c) => c.authenticationMode !== 'CONFIG_MAP');
      add('eks:ListAccessEntries', apiModes.length);
      // moto answers 404 to the listings, so nothing is read after them.
      if (!moto) {
        add(
          'eks:ListAssociatedAccessPolicies',
          apiModes.reduce((n, c) => n + c.accessEntries.length, 0),
        );
        add(
          'eks:DescribePodIdentityAssociation',
          clusters.reduce((n, c) => n + c.podIdentity.length, 0),
        );
      }
      add('eks:ListPodIdentityAssociations', clusters.length);
      add('kms:DescribeKey', new Set(clusters.flatMap((c) => (c.keyArn ? [c.keyArn] : []))).size);
      add('ec2:DescribeSecurityGroups');
      const subnets = clusters.some((c) => c.nodegroups.some((g) => g.subnetIds.length > 0));
      if (subnets) {
        add('ec2:DescribeSubnets');
        add('ec2:DescribeRouteTables');
      }
      // One call per launch template the node groups use (all the versions they name in one page of 200).
      add(
        'ec2:DescribeLaunchTemplateVersions',
        new Set(
          clusters.flatMap((c) =>
            c.nodegroups.flatMap((g) => (g.launchTemplate ? [g.launchTemplate.id] : [])),
          ),
        ).size,
      );
      // The region's EKS log groups in pages of 50 (at least one, empty or not) and its detectors.
      add('logs:DescribeLogGroups', Math.max(1, Math.ceil(region.logGroups.length / 50)));
      add('guardduty:ListDetectors');
      add('guardduty:GetDetector', region.detectors.length);
      // One listing of each per cluster (a page of 100 holds them all); moto answers 404 to both,
      // so nothing is read after them.
      add('eks:ListAddons', clusters.length);
      add('eks:ListInsights', clusters.length);
      if (!moto) {
        add(
          'eks:DescribeAddon',
          clusters.reduce((n, c) => n + c.addons.length, 0),
        );
        add(
          'eks:DescribeAddonVersions',
          new Set(clusters.flatMap((c) => c.addons.map((a) => `${a.name}/${c.version}`))).size,
        );
        // Only the upgrade-readiness insights that do not pass are described.
        add(
          'eks:DescribeInsight',
          clusters.reduce(
            (n, c) =>
              n +
              c.insights.filter((i) => i.category === 'UPGRADE_READINESS' && i.status !== 'PASSING').length,
            0,
          ),
        );
      }
    }
    if (options.publish) {
      add('securityhub:GetFindings', plan.regions.length);
      for (const region of plan.regions) {
        add(
          'securityhub:BatchImportFindings',
          Math.ceil((importedPerScope.get(`${model.accountId}/${region}`) ?? 0) / 100),
        );
      }
    }
  }
  return Object.fromEntries(Object.entries(floor).sort(([a], [b]) => (a < b ? -1 : 1)));
}
