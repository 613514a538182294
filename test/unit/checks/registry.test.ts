import { describe, expect, it } from 'vitest';
import { endpointPublicAccess } from '../../../lambda/checks/endpoint-public-access';
import { runChecks } from '../../../lambda/checks/engine';
import { CHECKS } from '../../../lambda/checks/registry';
import type { ClusterCheck } from '../../../lambda/checks/types';
import { aCluster, aContext, aNodegroup, aRole } from '../../support/factories';

describe('Registry: CHECKS', () => {
  it('has unique ids', () => {
    const ids = CHECKS.map((c) => c.metadata.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('holds the published check ids', () => {
    expect(CHECKS.map((c) => c.metadata.id).sort()).toEqual([
      'authentication-mode',
      'cluster-admin-access',
      'cluster-security-group',
      'control-plane-logging',
      'deletion-protection',
      'endpoint-public-access',
      'irsa-trust-policy',
      'nodegroup-public-subnets',
      'nodegroup-remote-access',
      'pod-identity-trust-policy',
      'secrets-encryption',
      'supported-version',
    ]);
  });

  it.each(CHECKS.map((c) => [c.metadata.id, c.metadata] as const))(
    '%s has complete metadata',
    (_, metadata) => {
      expect(metadata.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(metadata.title.length).toBeGreaterThan(10);
      expect(metadata.severityRules.length).toBeGreaterThan(40);
      expect(metadata.remediation.text.length).toBeGreaterThan(20);
      expect(metadata.remediation.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(metadata.references.length).toBeGreaterThan(0);
      for (const url of metadata.references) expect(url).toMatch(/^https:\/\//);
    },
  );
});

describe('Function: runChecks', () => {
  it('gives every cluster one result per cluster check, PASSED included', () => {
    const results = runChecks(
      CHECKS,
      { clusters: [aCluster()], undescribed: [], nodegroups: [], undescribedNodegroups: [], roles: [] },
      aContext(),
    );
    expect(results.map((r) => [r.checkId, r.status])).toEqual([
      ['authentication-mode', 'PASSED'],
      ['cluster-admin-access', 'PASSED'],
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
      {
        clusters: [aCluster({ name: 'bad' }), aCluster({ name: 'good' })],
        undescribed: [],
        nodegroups: [],
        undescribedNodegroups: [],
        roles: [],
      },
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
      {
        clusters: [],
        undescribed: [
          {
            accountId: '111122223333',
            region: 'eu-west-1',
            name: 'gone',
            arn: 'arn:aws:eks:eu-west-1:111122223333:cluster/gone',
            reason: 'ResourceNotFoundException: No cluster found',
          },
        ],
        nodegroups: [],
        undescribedNodegroups: [],
        roles: [],
      },
      aContext(),
    );
    expect(results).toHaveLength(8);
    expect(
      results.every((r) => r.status === 'NOT_AVAILABLE' && r.detail.includes('ResourceNotFoundException')),
    ).toBe(true);
  });

  it('gives every node group one result per node-group check, naming its cluster', () => {
    const nodegroup = aNodegroup();
    const results = runChecks(
      CHECKS,
      { clusters: [], undescribed: [], nodegroups: [nodegroup], undescribedNodegroups: [], roles: [] },
      aContext(),
    );
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
    const { arn, clusterArn, clusterName, accountId, region } = aNodegroup();
    const results = runChecks(
      CHECKS,
      {
        clusters: [],
        undescribed: [],
        nodegroups: [],
        undescribedNodegroups: [
          {
            accountId,
            region,
            clusterName,
            clusterArn,
            name: 'workers',
            arn,
            reason: 'AccessDeniedException: no',
          },
        ],
        roles: [],
      },
      aContext(),
    );
    expect(results.map((r) => [r.checkId, r.status])).toEqual([
      ['nodegroup-public-subnets', 'NOT_AVAILABLE'],
      ['nodegroup-remote-access', 'NOT_AVAILABLE'],
    ]);
    expect(results.every((r) => r.detail.includes('AccessDeniedException'))).toBe(true);
  });

  it('gives roles without EKS web-identity trust no result', () => {
    const role = aRole({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    expect(
      runChecks(
        CHECKS,
        { clusters: [], undescribed: [], nodegroups: [], undescribedNodegroups: [], roles: [role] },
        aContext(),
      ),
    ).toEqual([]);
  });
});
