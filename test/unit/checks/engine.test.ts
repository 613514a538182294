import { describe, expect, it } from 'vitest';
import { endpointPublicAccess } from '../../../lambda/checks/endpoint-public-access';
import { runChecks } from '../../../lambda/checks/engine';
import { CHECKS } from '../../../lambda/checks/registry';
import type { ClusterCheck } from '../../../lambda/checks/types';
import { accountResourceId } from '../../../lambda/model/arn';
import { compareText } from '../../../lambda/model/order';
import type { ResourceType } from '../../../lambda/model/result';
import type { ScanSnapshot } from '../../../lambda/model/snapshot';
import {
  ACCOUNT,
  aCluster,
  aClusterWith,
  aContext,
  aNodegroup,
  anAddon,
  anUndescribedCluster,
  aRole,
  aScan,
  contextOf,
  ISSUER,
  PROVIDER_ARN,
  REGION,
} from '../../support/factories';

/** The registry's checks of one kind of resource. */
const checksOf = (type: ResourceType) => CHECKS.filter((c) => c.metadata.resourceType === type);
/** Their ids in the order results come in: by check id, for one resource. */
const idsOf = (type: ResourceType) =>
  checksOf(type)
    .map((c) => c.metadata.id)
    .sort(compareText);

const NODEGROUP_CHECKS = checksOf('AwsEksNodegroup');
const ADDON_CHECKS = checksOf('AwsEksAddon');

/** The scan with these OIDC provider ARNs registered in the factories' account, instead of its one. */
function withProviders(scan: ScanSnapshot, providers: readonly string[]): ScanSnapshot {
  return {
    ...scan,
    accounts: scan.accounts.map((account) =>
      account.identity === undefined || account.accountId !== ACCOUNT
        ? account
        : { ...account, identity: { ...account.identity, oidcProviderArns: providers } },
    ),
  };
}

describe('Function: runChecks', () => {
  it('gives every cluster one result per cluster check, PASSED included', () => {
    const cluster = aCluster();
    const results = runChecks(CHECKS, aScan({ clusters: [cluster] }), aContext());
    const ofCluster = results.filter((r) => r.resource.type === 'AwsEksCluster');
    expect(ofCluster.map((r) => [r.checkId, r.status])).toEqual(
      idsOf('AwsEksCluster').map((id) => [id, 'PASSED']),
    );
    expect(
      ofCluster.every(
        (r) =>
          r.severity === 'INFORMATIONAL' && r.resource.id === cluster.arn && r.clusterArn === cluster.arn,
      ),
    ).toBe(true);
  });

  it("judges a compliant scan's add-ons, OIDC providers and account regions with clusters too, all PASSED", () => {
    const cluster = aCluster();
    const scan = aScan({ clusters: [cluster] });
    const results = runChecks(CHECKS, scan, contextOf(scan));

    expect(results.filter((r) => r.status !== 'PASSED')).toEqual([]);
    const [addon] = cluster.addons.known ? cluster.addons.value : [];
    const addonArn = addon?.description.known ? addon.description.value.arn : undefined;
    expect(addonArn).toBeDefined();
    const of = (type: ResourceType) =>
      results
        .filter((r) => r.resource.type === type)
        .map((r) => [r.checkId, r.resource.id, r.resource.name, r.region, r.clusterArn]);
    expect(of('AwsEksAddon')).toEqual(
      idsOf('AwsEksAddon').map((id) => [id, addonArn, 'prod/vpc-cni', REGION, cluster.arn]),
    );
    // A provider is placed in its issuer's region, naming the cluster that issues it.
    expect(of('AwsIamOidcProvider')).toEqual(
      idsOf('AwsIamOidcProvider').map((id) => [id, PROVIDER_ARN, ISSUER.toLowerCase(), REGION, cluster.arn]),
    );
    // One result per account region with clusters, about the account, naming no one cluster.
    expect(of('AwsAccount')).toEqual(
      idsOf('AwsAccount').map((id) => [
        id,
        accountResourceId(ACCOUNT),
        `${ACCOUNT}/${REGION}`,
        REGION,
        undefined,
      ]),
    );
    expect(results).toHaveLength(
      CHECKS.filter(
        (c) => c.metadata.resourceType !== 'AwsIamRole' && c.metadata.resourceType !== 'AwsEksNodegroup',
      ).length,
    );
  });

  it('judges no account region without clusters', () => {
    const results = runChecks(checksOf('AwsAccount'), aScan({}), aContext());
    expect(results).toEqual([]);
  });

  it('turns a check that throws into NOT_AVAILABLE for that resource only', () => {
    const throwing: ClusterCheck = {
      metadata: {
        ...endpointPublicAccess.metadata,
        id: 'boom',
        resourceType: 'AwsEksCluster',
      } as ClusterCheck['metadata'],
      evaluate: (cluster) => {
        if (cluster.name === 'bad') throw new Error('unexpected shape');
        return { status: 'PASSED', severity: 'INFORMATIONAL', detail: 'ok' };
      },
    };
    const results = runChecks(
      [throwing],
      aScan({ clusters: [aCluster({ name: 'bad' }), aCluster({ name: 'good' })] }),
      aContext(),
    );
    expect(results.map((r) => [r.resource.name, r.status])).toEqual([
      ['bad', 'NOT_AVAILABLE'],
      ['good', 'PASSED'],
    ]);
    expect(results[0]?.detail).toContain('unexpected shape');
  });

  it('gives an undescribed cluster NOT_AVAILABLE for every cluster check, with the reason', () => {
    const gone = anUndescribedCluster('gone', 'ResourceNotFoundException: No cluster found');
    const results = runChecks(CHECKS, aScan({ clusters: [gone] }), aContext());
    const ofCluster = results.filter((r) => r.resource.type === 'AwsEksCluster');
    expect(ofCluster.map((r) => r.checkId)).toEqual(idsOf('AwsEksCluster'));
    expect(
      ofCluster.every(
        (r) =>
          r.status === 'NOT_AVAILABLE' &&
          r.detail.includes('ResourceNotFoundException') &&
          r.resource.id === gone.arn,
      ),
    ).toBe(true);
    // Its node groups and add-ons were never listed: none is judged, nor made up.
    expect(
      results.filter((r) => r.resource.type === 'AwsEksNodegroup' || r.resource.type === 'AwsEksAddon'),
    ).toEqual([]);
  });

  it('gives every node group one result per node-group check, naming its cluster', () => {
    const nodegroup = aNodegroup();
    const results = runChecks(NODEGROUP_CHECKS, aScan({ clusters: [aClusterWith([nodegroup])] }), aContext());
    expect(results.map((r) => [r.checkId, r.status, r.resource.type, r.clusterArn])).toEqual(
      idsOf('AwsEksNodegroup').map((id) => [id, 'PASSED', 'AwsEksNodegroup', nodegroup.clusterArn]),
    );
    expect(results[0]?.resource).toEqual({
      type: 'AwsEksNodegroup',
      id: nodegroup.arn,
      name: 'prod/workers',
    });
  });

  it('gives an undescribed node group NOT_AVAILABLE for every node-group check, with the reason', () => {
    const cluster = aClusterWith([
      { name: 'workers', description: { known: false, reason: 'AccessDeniedException: no' } },
    ]);
    const results = runChecks(NODEGROUP_CHECKS, aScan({ clusters: [cluster] }), aContext());
    expect(results.map((r) => [r.checkId, r.status])).toEqual(
      idsOf('AwsEksNodegroup').map((id) => [id, 'NOT_AVAILABLE']),
    );
    expect(results.every((r) => r.detail.includes('AccessDeniedException'))).toBe(true);
    // Its ARN ends in an id only DescribeNodegroup gives: none is made up.
    expect(results.map((r) => r.resource)).toEqual(
      NODEGROUP_CHECKS.map(() => ({ type: 'AwsEksNodegroup', name: 'prod/workers' })),
    );
    expect(results.every((r) => r.clusterArn === cluster.arn)).toBe(true);
  });

  it('gives every add-on one result per add-on check, naming its cluster', () => {
    const coredns = anAddon({ name: 'coredns' });
    const cluster = aCluster({
      addons: {
        known: true,
        value: [
          { name: 'vpc-cni', description: { known: true, value: anAddon() } },
          { name: 'coredns', description: { known: true, value: coredns } },
        ],
      },
    });
    const results = runChecks(ADDON_CHECKS, aScan({ clusters: [cluster] }), aContext());
    // Sorted by ARN: coredns first.
    expect(results.map((r) => [r.checkId, r.status, r.resource, r.clusterArn])).toEqual([
      ...idsOf('AwsEksAddon').map((id) => [
        id,
        'PASSED',
        { type: 'AwsEksAddon', id: coredns.arn, name: 'prod/coredns' },
        cluster.arn,
      ]),
      ...idsOf('AwsEksAddon').map((id) => [
        id,
        'PASSED',
        { type: 'AwsEksAddon', id: anAddon().arn, name: 'prod/vpc-cni' },
        cluster.arn,
      ]),
    ]);
  });

  it('gives an undescribed add-on NOT_AVAILABLE for every add-on check, with the reason and no made-up ARN', () => {
    const cluster = aCluster({
      addons: {
        known: true,
        value: [
          {
            name: 'vpc-cni',
            description: { known: false, reason: 'AccessDeniedException: eks:DescribeAddon' },
          },
        ],
      },
    });
    const results = runChecks(CHECKS, aScan({ clusters: [cluster] }), aContext());
    const ofAddon = results.filter((r) => r.resource.type === 'AwsEksAddon');
    expect(ofAddon.map((r) => [r.checkId, r.status])).toEqual(
      idsOf('AwsEksAddon').map((id) => [id, 'NOT_AVAILABLE']),
    );
    expect(
      ofAddon.every(
        (r) =>
          r.detail.startsWith('The add-on could not be described') &&
          r.detail.includes('AccessDeniedException: eks:DescribeAddon'),
      ),
    ).toBe(true);
    // Its ARN ends in an id only DescribeAddon gives: none is made up.
    expect(ofAddon.map((r) => r.resource)).toEqual(
      ADDON_CHECKS.map(() => ({ type: 'AwsEksAddon', name: 'prod/vpc-cni' })),
    );
    expect(ofAddon.every((r) => r.clusterArn === cluster.arn && r.region === REGION)).toBe(true);
  });

  it('gives roles without EKS web-identity trust no result', () => {
    const role = aRole({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    const results = runChecks(CHECKS, aScan({ roles: [role] }), aContext());
    expect(results.filter((r) => r.resource.type === 'AwsIamRole')).toEqual([]);
    // The scan's other results are about its OIDC provider, not the role.
    expect(results.every((r) => r.resource.id !== role.arn)).toBe(true);
  });

  it('gives an OIDC provider of an issuer that is not EKS no result', () => {
    const github = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    const scan = withProviders(aScan({ clusters: [aCluster()] }), [github, PROVIDER_ARN]);

    const results = runChecks(CHECKS, scan, contextOf(scan));

    expect(results.filter((r) => r.resource.id === github)).toEqual([]);
    expect(
      results.filter((r) => r.resource.type === 'AwsIamOidcProvider').map((r) => [r.checkId, r.resource.id]),
    ).toEqual(idsOf('AwsIamOidcProvider').map((id) => [id, PROVIDER_ARN]));
  });

  it("places a role's result in its issuer's region, naming the cluster that issues its tokens, else in the account's home region", () => {
    const irsa = aRole(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: PROVIDER_ARN },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: {
                [`${ISSUER}:sub`]: 'system:serviceaccount:a:b',
                [`${ISSUER}:aud`]: 'sts.amazonaws.com',
              },
            },
          },
        ],
      },
      'irsa',
    );
    const pods = aRole(
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      'pods',
    );
    const scan = aScan({ clusters: [aCluster()], roles: [irsa, pods] });

    const results = runChecks(ROLE_CHECKS, scan, contextOf(scan));

    expect(results.map((r) => [r.checkId, r.resource.name, r.region, r.clusterArn])).toEqual([
      ['irsa-trust-policy', 'irsa', REGION, aCluster().arn],
      ['pod-identity-trust-policy', 'pods', 'us-east-1', undefined],
    ]);
  });
});

const ROLE_CHECKS = CHECKS.filter((c) => c.metadata.resourceType === 'AwsIamRole');
