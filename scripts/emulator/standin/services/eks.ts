/**
 * EKS (REST-JSON): clusters, node groups, access entries with their policies, Pod Identity
 * associations, add-ons with the versions EKS offers, upgrade insights and cluster versions. In the
 * `moto` profile, the routes moto 5.2.1 lacks (access entries, Pod Identity, add-ons, add-on
 * versions, insights, cluster versions) answer its HTML 404, the fields it drops (access config,
 * cluster security group, deletion protection) are absent, and a node group on a launch template
 * comes back with moto's default SSH key.
 */
import { calendarCatalog } from '../../../../lambda/kubernetes/release-calendar';
import type { Routed, ServiceContext, ServiceModule } from '../context';
import {
  ADDON_NAMES,
  addonOffer,
  type ClusterModel,
  type InsightModel,
  type RegionModel,
  VERSIONS,
} from '../org-model';
import { type AwsRequest, epochSeconds, errorAnswer, jsonAnswer, motoMissingRoute } from '../protocol';

const ok = (value: unknown) => jsonAnswer(value, 'rest-json');
const notFound = (what: string) =>
  errorAnswer('rest-json', 404, 'ResourceNotFoundException', `No ${what} found`);

/** One page of a list, with the stand-in's own opaque token (an offset). */
function page<T>(items: readonly T[], request: AwsRequest): { items: T[]; nextToken?: string } {
  return pageAt(items, request.query.get('nextToken'), request.query.get('maxResults'));
}

/** The same, for the operations that carry their token and page size in the body (ListInsights). */
function bodyPage<T>(items: readonly T[], request: AwsRequest): { items: T[]; nextToken?: string } {
  const { nextToken, maxResults } = request.json;
  return pageAt(
    items,
    typeof nextToken === 'string' ? nextToken : null,
    typeof maxResults === 'number' ? String(maxResults) : null,
  );
}

function pageAt<T>(
  items: readonly T[],
  token: string | null,
  maxResults: string | null,
): { items: T[]; nextToken?: string } {
  const start = Number(token ?? 0);
  const size = Number(maxResults ?? 100);
  const next = start + size < items.length ? { nextToken: String(start + size) } : {};
  return { items: items.slice(start, start + size), ...next };
}

const ADDON_TYPES: Readonly<Record<string, string>> = {
  'vpc-cni': 'networking',
  'kube-proxy': 'networking',
  coredns: 'networking',
  'eks-pod-identity-agent': 'security',
  'aws-ebs-csi-driver': 'storage',
};

/** An add-on as DescribeAddonVersions lists it, with only the versions compatible with the asked Kubernetes version. */
function addonInfo(name: string, kubernetesVersion: string | null) {
  // Every version the catalog offers for any Kubernetes version, each with the versions it fits.
  const compatibilities = new Map<
    string,
    { clusterVersion: string; platformVersions: string[]; defaultVersion: boolean }[]
  >();
  for (const clusterVersion of VERSIONS) {
    const offer = addonOffer(name, clusterVersion);
    for (const version of offer?.versions ?? []) {
      const list = compatibilities.get(version) ?? [];
      list.push({
        clusterVersion,
        platformVersions: ['*'],
        defaultVersion: version === offer?.defaultVersion,
      });
      compatibilities.set(version, list);
    }
  }
  const versions = [...compatibilities].filter(
    ([, fits]) => kubernetesVersion === null || fits.some((c) => c.clusterVersion === kubernetesVersion),
  );
  return {
    addonName: name,
    type: ADDON_TYPES[name] ?? 'other',
    addonVersions: versions.map(([addonVersion, fits]) => ({
      addonVersion,
      architecture: ['amd64', 'arm64'],
      computeTypes: ['ec2'],
      compatibilities: fits,
      requiresConfiguration: false,
      requiresIamPermissions: name === 'vpc-cni' || name === 'aws-ebs-csi-driver',
    })),
    publisher: 'eks',
    owner: 'aws',
  };
}

const INSIGHT_DESCRIPTIONS: Readonly<Record<InsightModel['category'], string>> = {
  UPGRADE_READINESS: 'Checks for issues that would affect an upgrade to the next Kubernetes version.',
  MISCONFIGURATION: 'Checks for configuration that keeps the cluster from working as intended.',
};

function insightSummary(insight: InsightModel) {
  return {
    id: insight.id,
    name: insight.name,
    category: insight.category,
    kubernetesVersion: insight.kubernetesVersion,
    lastRefreshTime: 1_700_000_000,
    lastTransitionTime: 1_699_000_000,
    description: INSIGHT_DESCRIPTIONS[insight.category],
    insightStatus: { status: insight.status, reason: insight.reason },
  };
}

/** The ListInsights filter: each list given narrows the insights to those it names. */
function insightFilter(request: AwsRequest): (insight: InsightModel) => boolean {
  const filter = (request.json.filter ?? {}) as Record<string, unknown>;
  const listed = (key: string) => {
    const value = filter[key];
    return Array.isArray(value) && value.length > 0 ? value.map(String) : undefined;
  };
  const categories = listed('categories');
  const versions = listed('kubernetesVersions');
  const statuses = listed('statuses');
  return (insight) =>
    (!categories || categories.includes(insight.category)) &&
    (!versions || versions.includes(insight.kubernetesVersion)) &&
    (!statuses || statuses.includes(insight.status));
}

function describeCluster(cluster: ClusterModel, region: RegionModel, moto: boolean) {
  return {
    name: cluster.name,
    arn: cluster.arn,
    createdAt: 1_700_000_000,
    version: cluster.version,
    endpoint: `https://${cluster.issuerId}.gr7.${region.region}.eks.amazonaws.com`,
    roleArn: cluster.arn.replace(/:eks:[^:]+:(\d+):cluster\/.*/, ':iam::$1:role/eks-cluster-role'),
    resourcesVpcConfig: {
      subnetIds: cluster.subnetIds,
      securityGroupIds: cluster.securityGroupIds,
      ...(moto
        ? {}
        : { clusterSecurityGroupId: cluster.clusterSecurityGroupId, vpcId: region.network.vpcId }),
      endpointPublicAccess: cluster.publicAccess,
      endpointPrivateAccess: cluster.privateAccess,
      publicAccessCidrs: cluster.publicAccessCidrs,
    },
    kubernetesNetworkConfig: { serviceIpv4Cidr: '172.20.0.0/16', ipFamily: 'ipv4' },
    logging: { clusterLogging: cluster.logging },
    identity: { oidc: { issuer: `https://oidc.eks.${region.region}.amazonaws.com/id/${cluster.issuerId}` } },
    status: 'ACTIVE',
    certificateAuthority: { data: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==' },
    platformVersion: 'eks.10',
    tags: cluster.tags,
    ...(cluster.keyArn
      ? { encryptionConfig: [{ resources: ['secrets'], provider: { keyArn: cluster.keyArn } }] }
      : {}),
    ...(cluster.authenticationMode
      ? { accessConfig: { authenticationMode: cluster.authenticationMode } }
      : {}),
    ...(cluster.deletionProtection === undefined ? {} : { deletionProtection: cluster.deletionProtection }),
  };
}

type Handler = (
  match: RegExpExecArray,
  request: AwsRequest,
  region: RegionModel | undefined,
  moto: boolean,
) => Routed['respond'];

const cluster = (region: RegionModel | undefined, name: string | undefined) =>
  region?.clusters.find((c) => c.name === name);

const ROUTES: readonly (readonly [string, RegExp, string, Handler, boolean])[] = [
  // [method, path, operation, answer, moto has it]
  [
    'GET',
    /^\/clusters\/?$/,
    'ListClusters',
    (_m, request, region) => () => {
      const { items, nextToken } = page(region?.clusters.map((c) => c.name) ?? [], request);
      return ok({ clusters: items, ...(nextToken ? { nextToken } : {}) });
    },
    true,
  ],
  [
    'GET',
    /^\/cluster-versions\/?$/,
    'DescribeClusterVersions',
    () => () => {
      // The published calendar, as DescribeClusterVersions states it (the same statuses moto's fallback gives).
      const catalog = calendarCatalog(new Date(), 'stand-in');
      return ok({
        clusterVersions: catalog.versions.map((v) => ({
          clusterVersion: v.version,
          clusterType: 'eks',
          defaultPlatformVersion: 'eks.10',
          defaultVersion: false,
          releaseDate: 1_600_000_000,
          ...(v.endOfStandardSupport
            ? { endOfStandardSupportDate: epochSeconds(v.endOfStandardSupport.toISOString()) }
            : {}),
          ...(v.endOfExtendedSupport
            ? { endOfExtendedSupportDate: epochSeconds(v.endOfExtendedSupport.toISOString()) }
            : {}),
          status:
            v.status === 'STANDARD_SUPPORT'
              ? 'STANDARD_SUPPORT'
              : v.status === 'EXTENDED_SUPPORT'
                ? 'EXTENDED_SUPPORT'
                : 'UNSUPPORTED',
          versionStatus: v.status,
        })),
      });
    },
    false,
  ],
  [
    'GET',
    /^\/clusters\/([^/]+)\/node-groups\/?$/,
    'ListNodegroups',
    (m, request, region) => () => {
      const found = cluster(region, m[1]);
      if (!found) return notFound(`cluster ${m[1]}`);
      const { items, nextToken } = page(
        found.nodegroups.map((n) => n.name),
        request,
      );
      return ok({ nodegroups: items, ...(nextToken ? { nextToken } : {}) });
    },
    true,
  ],
  [
    'GET',
    /^\/clusters\/([^/]+)\/node-groups\/([^/]+)$/,
    'DescribeNodegroup',
    (m, _request, region, moto) => () => {
      const found = cluster(region, m[1]);
      const group = found?.nodegroups.find((n) => n.name === m[2]);
      if (!found || !group) return notFound(`node group ${m[2]}`);
      return ok({
        nodegroup: {
          nodegroupName: group.name,
          nodegroupArn: `${found.arn.replace(':cluster/', ':nodegroup/')}/${group.name}/${group.uuid}`,
          clusterName: found.name,
          version: found.version,
          status: 'ACTIVE',
          capacityType: 'ON_DEMAND',
          scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 2 },
          instanceTypes: ['m6i.large'],
          subnets: group.subnetIds,
          amiType: group.amiType,
          nodeRole: found.arn.replace(/:eks:[^:]+:(\d+):cluster\/.*/, ':iam::$1:role/eks-node-role'),
          // With a launch template SSH is the template's: AWS names no remote access, moto its default key.
          ...(group.launchTemplate
            ? moto
              ? { remoteAccess: { ec2SshKey: 'eksKeypair' } }
              : {}
            : {
                remoteAccess: {
                  ...(group.sshKey ? { ec2SshKey: group.sshKey } : {}),
                  sourceSecurityGroups: group.sourceSecurityGroups,
                },
              }),
          ...(group.launchTemplate ? { launchTemplate: group.launchTemplate } : {}),
          health: { issues: [] },
          tags: {},
        },
      });
    },
    true,
  ],
  [
    'GET',
    /^\/clusters\/([^/]+)\/access-entries\/?$/,
    'ListAccessEntries',
    (m, request, region) => () => {
      const found = cluster(region, m[1]);
      if (!found) return notFound(`cluster ${m[1]}`);
      const { items, nextToken } = page(
        found.accessEntries.map((e) => e.principalArn),
        request,
      );
      return ok({ accessEntries: items, ...(nextToken ? { nextToken } : {}) });
    },
    false,
  ],
  [
    'GET',
    /^\/clusters\/([^/]+)\/access-entries\/(.+)\/access-policies\/?$/,
    'ListAssociatedAccessPolicies',
    (m, request, region) => () => {
      const found = cluster(region, m[1]);
      const entry = found?.accessEntries.find((e) => e.principalArn === m[2]);
      if (!found || !entry) return notFound(`access entry ${m[2]}`);
      const { items, nextToken } = page(entry.policies, request);
      return ok({
        clusterName: found.name,
        principalArn: entry.principalArn,
        associatedAccessPolicies: items.map((p) => ({
          policyArn: p.policyArn,
          accessScope: { type: p.scope, namespaces: p.namespaces },
          associatedAt: 1_700_000_000,
          modifiedAt: 1_700_000_000,
        })),
        ...(nextToken ? { nextToken } : {}),
      });
    },
    false,
  ],
  [
    'GET',
    /^\/clusters\/([^/]+)\/pod-identity-associations\/?$/,
    'ListPodIdentityAssociations',
    (m, request, region) => () => {
      const found = cluster(region, m[1]);
      if (!found) return notFound(`cluster ${m[1]}`);
      const { items, nextToken } = page(found.podIdentity, request);
      return ok({
        associations: items.map((a) => ({
          clusterName: found.name,
          namespace: a.namespace,
          serviceAccount: a.serviceAccount,
          associationArn: `${found.arn.replace(':cluster/', ':podidentityassociation/')}/${a.associationId}`,
          associationId: a.associationId,
        })),
        ...(nextToken ? { nextToken } : {}),
      });
    },
    false,
  ],
  [
    'GET',
    /^\/clusters\/([^/]+)\/pod-identity-associations\/([^/]+)$/,
    'DescribePodIdentityAssociation',
    (m, _request, region) => () => {
      const found = cluster(region, m[1]);
      const association = found?.podIdentity.find((a) => a.associationId === m[2]);
      if (!found || !association) return notFound(`association ${m[2]}`);
      return ok({
        association: {
          clusterName: found.name,
          namespace: association.namespace,
          serviceAccount: association.serviceAccount,
          roleArn: association.roleArn,
          associationArn: `${found.arn.replace(':cluster/', ':podidentityassociation/')}/${association.associationId}`,
          associationId: association.associationId,
          tags: {},
          createdAt: 1_700_000_000,
          modifiedAt: 1_700_000_000,
        },
      });
    },
    false,
  ],
  [
    'GET',
    /^\/clusters\/([^/]+)\/addons\/?$/,
    'ListAddons',
    (m, request, region) => () => {
      const found = cluster(region, m[1]);
      if (!found) return notFound(`cluster ${m[1]}`);
      const { items, nextToken } = page(
        found.addons.map((a) => a.name),
        request,
      );
      return ok({ addons: items, ...(nextToken ? { nextToken } : {}) });
    },
    false,
  ],
  [
    'GET',
    /^\/clusters\/([^/]+)\/addons\/([^/]+)$/,
    'DescribeAddon',
    (m, _request, region) => () => {
      const found = cluster(region, m[1]);
      const addon = found?.addons.find((a) => a.name === m[2]);
      if (!found || !addon) return notFound(`add-on ${m[2]}`);
      return ok({
        addon: {
          addonName: addon.name,
          clusterName: found.name,
          status: addon.status,
          addonVersion: addon.version,
          health: { issues: addon.issues },
          addonArn: `${found.arn.replace(':cluster/', ':addon/')}/${addon.name}/${addon.uuid}`,
          createdAt: 1_700_000_000,
          modifiedAt: 1_700_000_000,
          tags: {},
          ...(addon.configurationValues === undefined
            ? {}
            : { configurationValues: addon.configurationValues }),
          podIdentityAssociations: [],
        },
      });
    },
    false,
  ],
  [
    'GET',
    /^\/addons\/supported-versions\/?$/,
    'DescribeAddonVersions',
    (_m, request) => () => {
      // The same for every account: the offer depends on the add-on and the Kubernetes version alone.
      const name = request.query.get('addonName');
      const kubernetesVersion = request.query.get('kubernetesVersion');
      const names = name === null ? ADDON_NAMES : ADDON_NAMES.filter((n) => n === name);
      const { items, nextToken } = page(
        names.map((n) => addonInfo(n, kubernetesVersion)),
        request,
      );
      return ok({ addons: items, ...(nextToken ? { nextToken } : {}) });
    },
    false,
  ],
  [
    'POST',
    /^\/clusters\/([^/]+)\/insights\/?$/,
    'ListInsights',
    (m, request, region) => () => {
      const found = cluster(region, m[1]);
      if (!found) return notFound(`cluster ${m[1]}`);
      const { items, nextToken } = bodyPage(found.insights.filter(insightFilter(request)), request);
      return ok({ insights: items.map(insightSummary), ...(nextToken ? { nextToken } : {}) });
    },
    false,
  ],
  [
    'GET',
    /^\/clusters\/([^/]+)\/insights\/([^/]+)$/,
    'DescribeInsight',
    (m, _request, region) => () => {
      const found = cluster(region, m[1]);
      const insight = found?.insights.find((i) => i.id === m[2]);
      if (!found || !insight) return notFound(`insight ${m[2]}`);
      return ok({
        insight: {
          ...insightSummary(insight),
          recommendation:
            insight.status === 'PASSING'
              ? 'No action required.'
              : `Resolve the issues this insight lists before upgrading to Kubernetes ${insight.kubernetesVersion}.`,
          additionalInfo: {
            'EKS update cluster documentation':
              'https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html',
          },
          resources: [],
          categorySpecificSummary: {
            deprecationDetails: insight.deprecations.map((d) => ({
              ...d,
              clientStats: [
                {
                  userAgent: 'kubectl/v1.28.2',
                  numberOfRequestsLast30Days: 42,
                  lastRequestTime: 1_699_900_000,
                },
              ],
            })),
            addonCompatibilityDetails: [],
          },
        },
      });
    },
    false,
  ],
  [
    'GET',
    /^\/clusters\/([^/]+)$/,
    'DescribeCluster',
    (m, _request, region, moto) => () => {
      const found = cluster(region, m[1]);
      if (!found || !region) return notFound(`cluster ${m[1]}`);
      return ok({ cluster: describeCluster(found, region, moto) });
    },
    true,
  ],
];

export const eks: ServiceModule = {
  service: 'eks',
  route(request: AwsRequest, context: ServiceContext): Routed {
    const moto = context.profile === 'moto';
    for (const [method, pattern, operation, handler, inMoto] of ROUTES) {
      if (request.method !== method) continue;
      const match = pattern.exec(request.path);
      if (!match) continue;
      if (moto && !inMoto) return { operation, respond: motoMissingRoute };
      const region = context.regionOf(context.accountOf(request), request.region);
      return { operation, respond: handler(match, request, region, moto) };
    }
    return {
      operation: 'Unknown',
      respond: () =>
        errorAnswer(
          'rest-json',
          404,
          'NotFoundException',
          `stand-in EKS has no ${request.method} ${request.path}`,
        ),
    };
  },
};
