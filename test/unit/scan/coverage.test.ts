import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../lambda/checks/registry';
import { isUnsettled } from '../../../lambda/model/coverage';
import type { AccountSnapshot } from '../../../lambda/model/snapshot';
import { coverageOf } from '../../../lambda/scan/coverage';
import {
  ACCOUNT,
  aCluster,
  aClusterWith,
  aNodegroup,
  anAddon,
  anUndescribedCluster,
  aScan,
} from '../../support/factories';

/** The checks that judge an account's IAM data (roles and OIDC providers), in registry order. */
const IDENTITY_CHECKS = CHECKS.filter(
  (c) => c.metadata.resourceType === 'AwsIamRole' || c.metadata.resourceType === 'AwsIamOidcProvider',
).map((c) => c.metadata.id);

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
    expect(IDENTITY_CHECKS).toEqual([
      'irsa-trust-policy',
      'pod-identity-trust-policy',
      'oidc-provider-in-use',
    ]);
    const { identity: _, ...iamFailed } = anAccount();
    const failed = coverageOf([iamFailed], CHECKS).scopes;
    expect(failed.map((s) => s.skippedChecks.map((skipped) => skipped.checkId))).toEqual([
      IDENTITY_CHECKS,
      IDENTITY_CHECKS,
    ]);
    expect(failed.every((s) => IDENTITY_CHECKS.every((id) => !s.completedChecks.includes(id)))).toBe(true);

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
    expect(scopes.find((s) => s.region === 'us-east-1')?.skippedChecks.map((s) => s.checkId)).toEqual(
      IDENTITY_CHECKS,
    );
    expect(scopes.find((s) => s.region === 'eu-west-1')?.skippedChecks).toEqual([]);
  });

  it('completes the add-on and account-region checks wherever the region was read, IAM or not', () => {
    const { identity: _, ...iamFailed } = anAccount();
    const regional = ['addon-health-and-version', 'threat-detection-coverage'];
    expect(
      coverageOf([iamFailed], CHECKS).scopes.every((s) =>
        regional.every((id) => s.completedChecks.includes(id)),
      ),
    ).toBe(true);
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
      {
        type: 'AwsEksAddon',
        clusterArn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/gone`,
        reason: 'the cluster could not be described: throttled',
      },
    ]);
  });

  it('names the add-ons it could not settle: those of a cluster whose add-ons were not listed, and those not described', () => {
    const unlisted = aCluster({
      name: 'blue',
      addons: { known: false, reason: 'eks:ListAddons failed: denied' },
    });
    const partly = aCluster({
      addons: {
        known: true,
        value: [
          { name: 'vpc-cni', description: { known: true, value: anAddon() } },
          { name: 'coredns', description: { known: false, reason: 'eks:DescribeAddon failed: throttled' } },
        ],
      },
    });
    const [account] = aScan({
      clusters: [unlisted, partly, anUndescribedCluster('gone', 'throttled')],
    }).accounts;
    if (!account) throw new Error('no account');

    const [scope] = coverageOf([account], CHECKS).scopes;

    const unsettled = scope?.unsettled ?? [];
    expect(unsettled.filter((u) => u.type === 'AwsEksAddon')).toEqual([
      { type: 'AwsEksAddon', clusterArn: unlisted.arn, reason: 'eks:ListAddons failed: denied' },
      {
        type: 'AwsEksAddon',
        clusterArn: partly.arn,
        name: 'coredns',
        reason: 'eks:DescribeAddon failed: throttled',
      },
      {
        type: 'AwsEksAddon',
        clusterArn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/gone`,
        reason: 'the cluster could not be described: throttled',
      },
    ]);
    // Unsettled add-ons leave the add-on check complete (their own findings are kept); the identity
    // checks are skipped for the cluster that could not be described.
    expect(scope?.completedChecks).toEqual(
      CHECKS.map((c) => c.metadata.id).filter((id) => !IDENTITY_CHECKS.includes(id)),
    );

    const addonArn = (cluster: string, name: string, region = 'eu-west-1') =>
      `arn:aws:eks:${region}:${ACCOUNT}:addon/${cluster}/${name}/5ac1e2f3-4b5c-6d7e-8f90-a1b2c3d4e5f6`;
    // Any add-on of a cluster whose add-ons were not listed, or that was not described.
    expect(isUnsettled(unsettled, addonArn('blue', 'vpc-cni'))).toBe(true);
    expect(isUnsettled(unsettled, addonArn('blue', 'kube-proxy'))).toBe(true);
    expect(isUnsettled(unsettled, addonArn('gone', 'vpc-cni'))).toBe(true);
    // Only the add-on that was not described, not its described sibling.
    expect(isUnsettled(unsettled, addonArn('prod', 'coredns'))).toBe(true);
    expect(isUnsettled(unsettled, addonArn('prod', 'vpc-cni'))).toBe(false);
    expect(isUnsettled(unsettled, anAddon().arn)).toBe(false);
    // Not the cluster itself, nor its node groups, nor a same-named cluster's add-on elsewhere.
    expect(isUnsettled(unsettled, unlisted.arn)).toBe(false);
    const nodegroupArn = (cluster: string, name: string) =>
      `arn:aws:eks:eu-west-1:${ACCOUNT}:nodegroup/${cluster}/${name}/5ac1e2f3-4b5c-6d7e-8f90-a1b2c3d4e5f6`;
    expect(isUnsettled(unsettled, nodegroupArn('blue', 'vpc-cni'))).toBe(false);
    expect(isUnsettled(unsettled, nodegroupArn('prod', 'coredns'))).toBe(false);
    expect(isUnsettled(unsettled, addonArn('blue', 'vpc-cni', 'us-east-1'))).toBe(false);
  });
});
