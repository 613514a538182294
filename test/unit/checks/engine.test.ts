import { describe, expect, it } from 'vitest';
import { endpointPublicAccess } from '../../../lambda/checks/endpoint-public-access';
import { runChecks } from '../../../lambda/checks/engine';
import { CHECKS } from '../../../lambda/checks/registry';
import type { ClusterCheck } from '../../../lambda/checks/types';
import {
  aCluster,
  aClusterWith,
  aContext,
  aNodegroup,
  anUndescribedCluster,
  aRole,
  aScan,
  contextOf,
  ISSUER,
  PROVIDER_ARN,
  REGION,
} from '../../support/factories';

const NODEGROUP_CHECKS = CHECKS.filter((c) => c.metadata.resourceType === 'AwsEksNodegroup');

describe('Function: runChecks', () => {
  it('gives every cluster one result per cluster check, PASSED included', () => {
    const results = runChecks(CHECKS, aScan({ clusters: [aCluster()] }), aContext());
    expect(results.map((r) => [r.checkId, r.status])).toEqual([
      ['authentication-mode', 'PASSED'],
      ['cluster-admin-access', 'PASSED'],
      ['cluster-exposure', 'PASSED'],
      ['cluster-security-group', 'PASSED'],
      ['control-plane-logging', 'PASSED'],
      ['deletion-protection', 'PASSED'],
      ['endpoint-public-access', 'PASSED'],
      ['secrets-encryption', 'PASSED'],
      ['supported-version', 'PASSED'],
    ]);
    expect(results.every((r) => r.severity === 'INFORMATIONAL' && r.clusterArn === aCluster().arn)).toBe(
      true,
    );
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
    const results = runChecks(
      CHECKS,
      aScan({ clusters: [anUndescribedCluster('gone', 'ResourceNotFoundException: No cluster found')] }),
      aContext(),
    );
    expect(results).toHaveLength(9);
    expect(
      results.every((r) => r.status === 'NOT_AVAILABLE' && r.detail.includes('ResourceNotFoundException')),
    ).toBe(true);
  });

  it('gives every node group one result per node-group check, naming its cluster', () => {
    const nodegroup = aNodegroup();
    const results = runChecks(NODEGROUP_CHECKS, aScan({ clusters: [aClusterWith([nodegroup])] }), aContext());
    expect(results.map((r) => [r.checkId, r.status, r.resource.type, r.clusterArn])).toEqual([
      ['nodegroup-public-subnets', 'PASSED', 'AwsEksNodegroup', nodegroup.clusterArn],
      ['nodegroup-remote-access', 'PASSED', 'AwsEksNodegroup', nodegroup.clusterArn],
    ]);
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
    expect(results.map((r) => [r.checkId, r.status])).toEqual([
      ['nodegroup-public-subnets', 'NOT_AVAILABLE'],
      ['nodegroup-remote-access', 'NOT_AVAILABLE'],
    ]);
    expect(results.every((r) => r.detail.includes('AccessDeniedException'))).toBe(true);
    // Its ARN ends in an id only DescribeNodegroup gives: none is made up.
    expect(results.map((r) => r.resource)).toEqual([
      { type: 'AwsEksNodegroup', name: 'prod/workers' },
      { type: 'AwsEksNodegroup', name: 'prod/workers' },
    ]);
    expect(results.every((r) => r.clusterArn === cluster.arn)).toBe(true);
  });

  it('gives roles without EKS web-identity trust no result', () => {
    const role = aRole({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    expect(runChecks(CHECKS, aScan({ roles: [role] }), aContext())).toEqual([]);
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
