/**
 * EKS (REST-JSON): clusters, node groups, access entries with their policies, Pod Identity
 * associations and cluster versions. In the `moto` profile, the routes moto 5.2.1 lacks answer its
 * HTML 404, and the fields it drops (access config, cluster security group, deletion protection) are absent.
 */
import { calendarCatalog } from '../../../../lambda/kubernetes/release-calendar';
import type { Routed, ServiceContext, ServiceModule } from '../context';
import type { ClusterModel, RegionModel } from '../org-model';
import { type AwsRequest, epochSeconds, errorAnswer, jsonAnswer, motoMissingRoute } from '../protocol';

const ok = (value: unknown) => jsonAnswer(value, 'rest-json');
const notFound = (what: string) =>
  errorAnswer('rest-json', 404, 'ResourceNotFoundException', `No ${what} found`);

/** One page of a list, with the stand-in's own opaque token (an offset). */
function page<T>(items: readonly T[], request: AwsRequest): { items: T[]; nextToken?: string } {
  const start = Number(request.query.get('nextToken') ?? 0);
  const size = Number(request.query.get('maxResults') ?? 100);
  const next = start + size < items.length ? { nextToken: String(start + size) } : {};
  return { items: items.slice(start, start + size), ...next };
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

const ROUTES: readonly (readonly [RegExp, string, Handler, boolean])[] = [
  // [path, operation, answer, moto has it]
  [
    /^\/clusters\/?$/,
    'ListClusters',
    (_m, request, region) => () => {
      const { items, nextToken } = page(region?.clusters.map((c) => c.name) ?? [], request);
      return ok({ clusters: items, ...(nextToken ? { nextToken } : {}) });
    },
    true,
  ],
  [
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
    /^\/clusters\/([^/]+)\/node-groups\/([^/]+)$/,
    'DescribeNodegroup',
    (m, _request, region) => () => {
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
          amiType: 'AL2023_x86_64_STANDARD',
          nodeRole: found.arn.replace(/:eks:[^:]+:(\d+):cluster\/.*/, ':iam::$1:role/eks-node-role'),
          remoteAccess: {
            ...(group.sshKey ? { ec2SshKey: group.sshKey } : {}),
            sourceSecurityGroups: group.sourceSecurityGroups,
          },
          health: { issues: [] },
          tags: {},
        },
      });
    },
    true,
  ],
  [
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
    if (request.method === 'GET') {
      for (const [pattern, operation, handler, inMoto] of ROUTES) {
        const match = pattern.exec(request.path);
        if (!match) continue;
        if (moto && !inMoto) return { operation, respond: motoMissingRoute };
        const region = context.regionOf(context.accountOf(request), request.region);
        return { operation, respond: handler(match, request, region, moto) };
      }
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
