import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../lambda/checks/registry';
import type { AccountSnapshot } from '../../../lambda/model/snapshot';
import { coverageOf } from '../../../lambda/scan/coverage';
import {
  ACCOUNT,
  aCluster,
  aClusterWith,
  aNodegroup,
  anUndescribedCluster,
  aScan,
} from '../../support/factories';

/** The factories' account, scanned in eu-west-1 and us-east-1 (ap-south-1 failed, so it holds no snapshot). */
function anAccount(overrides: Partial<AccountSnapshot> = {}): AccountSnapshot {
  const [account] = aScan({
    clusters: [aCluster({ region: 'us-east-1', arn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/prod` })],
  }).accounts;
  if (!account) throw new Error('no account');
  return { ...account, ...overrides };
}

describe('Function: coverageOf', () => {
  it('covers every scanned region, with every check, and never a failed one', () => {
    const { scopes } = coverageOf([anAccount()], CHECKS);
    expect(scopes.map((s) => [s.region, s.completedChecks.length, s.skippedChecks])).toEqual([
      ['eu-west-1', CHECKS.length, []],
      ['us-east-1', CHECKS.length, []],
    ]);
    expect(scopes.every((s) => s.partition === 'aws' && s.unsettled.length === 0)).toBe(true);
  });

  it('leaves role findings alone where IAM failed, or where a cluster could not be described', () => {
    const { identity: _, ...iamFailed } = anAccount();
    expect(
      coverageOf([iamFailed], CHECKS).scopes.every((s) =>
        ['irsa-trust-policy', 'pod-identity-trust-policy'].every((id) =>
          s.skippedChecks.some((skipped) => skipped.checkId === id),
        ),
      ),
    ).toBe(true);

    const account = anAccount();
    const undescribed = {
      ...account,
      regions: account.regions.map((r) =>
        r.region === 'us-east-1'
          ? { ...r, clusters: [anUndescribedCluster('gone', 'AccessDeniedException')] }
          : r,
      ),
    };
    const { scopes } = coverageOf([undescribed], CHECKS);
    expect(scopes.find((s) => s.region === 'us-east-1')?.skippedChecks.map((s) => s.checkId)).toEqual([
      'irsa-trust-policy',
      'pod-identity-trust-policy',
    ]);
    expect(scopes.find((s) => s.region === 'eu-west-1')?.skippedChecks).toEqual([]);
  });

  it('names what it could not settle: undescribed clusters, their node groups, and node groups not listed or described', () => {
    const unlisted = aCluster({
      name: 'blue',
      arn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/blue`,
      nodegroups: { known: false, reason: 'eks:ListNodegroups failed: denied' },
    });
    const partly = aClusterWith([
      aNodegroup(),
      { name: 'gpu', description: { known: false, reason: 'eks:DescribeNodegroup failed: denied' } },
    ]);
    const [account] = aScan({
      clusters: [unlisted, partly, anUndescribedCluster('gone', 'throttled')],
    }).accounts;
    if (!account) throw new Error('no account');

    const [scope] = coverageOf([account], CHECKS).scopes;

    expect(scope?.unsettled).toEqual([
      { type: 'AwsEksNodegroup', clusterArn: unlisted.arn, reason: 'eks:ListNodegroups failed: denied' },
      {
        type: 'AwsEksNodegroup',
        clusterArn: partly.arn,
        name: 'gpu',
        reason: 'eks:DescribeNodegroup failed: denied',
      },
      {
        type: 'AwsEksCluster',
        arn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/gone`,
        reason: 'the cluster could not be described: throttled',
      },
      {
        type: 'AwsEksNodegroup',
        clusterArn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/gone`,
        reason: 'the cluster could not be described: throttled',
      },
    ]);
  });
});
