import { describe, expect, it } from 'vitest';
import { controlPlaneLogRetention } from '../../../lambda/checks/control-plane-log-retention';
import type { CheckContext } from '../../../lambda/checks/types';
import type {
  ClusterSnapshot,
  LogGroupInfo,
  LogSetup,
  Readout,
  ScanSnapshot,
} from '../../../lambda/model/snapshot';
import { ACCOUNT, aCluster, aContext, aScan, contextOf, REGION } from '../../support/factories';

const GROUP = '/aws/eks/prod/cluster';

/** A context whose region holds these log groups, or none read at all (`undefined`). */
function withGroups(
  groups: Readout<ReadonlyMap<string, LogGroupInfo>> | undefined,
  minLogRetentionDays?: number,
): CheckContext {
  const context = aContext(minLogRetentionDays === undefined ? {} : { config: { minLogRetentionDays } });
  return { ...context, logGroups: () => groups };
}

const groupsOf = (...groups: LogGroupInfo[]): Readout<ReadonlyMap<string, LogGroupInfo>> => ({
  known: true,
  value: new Map(groups.map((g) => [g.name, g])),
});

const evaluate = (context: CheckContext, cluster: ClusterSnapshot = aCluster()) =>
  controlPlaneLogRetention.evaluate(cluster, context);

describe('Check: control-plane-log-retention', () => {
  it('passes when the log group keeps events at least the minimum, naming the days', () => {
    const outcome = evaluate(withGroups(groupsOf({ name: GROUP, retentionInDays: 365 })));
    expect(outcome).toMatchObject({ status: 'PASSED', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain(GROUP);
    expect(outcome.detail).toContain('365 days');
  });

  it('passes at exactly the minimum', () => {
    expect(evaluate(withGroups(groupsOf({ name: GROUP, retentionInDays: 90 })))).toMatchObject({
      status: 'PASSED',
    });
  });

  it('passes when the log group never expires its events', () => {
    const outcome = evaluate(withGroups(groupsOf({ name: GROUP })));
    expect(outcome).toMatchObject({ status: 'PASSED' });
    expect(outcome.detail).toContain('never expire');
  });

  it('fails LOW when the retention is shorter than the minimum, naming both', () => {
    const outcome = evaluate(withGroups(groupsOf({ name: GROUP, retentionInDays: 30 })));
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain('30 days');
    expect(outcome.detail).toContain('minimum of 90 days');
  });

  it('uses the configured minimum', () => {
    const group = groupsOf({ name: GROUP, retentionInDays: 365 });
    expect(evaluate(withGroups(group, 400))).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(evaluate(withGroups(groupsOf({ name: GROUP, retentionInDays: 7 }), 7))).toMatchObject({
      status: 'PASSED',
    });
  });

  it("judges the cluster's own log group, not another cluster's", () => {
    const groups = groupsOf(
      { name: '/aws/eks/prod/cluster', retentionInDays: 1 },
      { name: '/aws/eks/staging/cluster', retentionInDays: 365 },
    );
    const outcome = evaluate(withGroups(groups), aCluster({ name: 'staging' }));
    expect(outcome).toMatchObject({ status: 'PASSED' });
    expect(outcome.detail).toContain('/aws/eks/staging/cluster');
  });

  it('fails MEDIUM when logging is enabled but the log group does not exist', () => {
    const outcome = evaluate(withGroups(groupsOf({ name: '/aws/eks/other/cluster', retentionInDays: 365 })));
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain(GROUP);
    expect(outcome.detail).toContain('does not exist');
    expect(outcome.detail).toContain('api, audit, authenticator, controllerManager, scheduler');
  });

  it('reads the log groups the scan read for the cluster region', () => {
    const scan = aScan({ clusters: [aCluster()] });
    // The factories' region keeps the cluster's logs for a year.
    const kept = evaluate(contextOf(scan));
    expect(kept).toMatchObject({ status: 'PASSED' });
    expect(kept.detail).toContain('365 days');

    const withRegionGroups = (groups: Readout<ReadonlyMap<string, LogGroupInfo>>): ScanSnapshot => ({
      ...scan,
      accounts: scan.accounts.map((account) => ({
        ...account,
        regions: account.regions.map((region) =>
          region.region === REGION ? { ...region, logGroups: groups } : region,
        ),
      })),
    });
    const short = evaluate(contextOf(withRegionGroups(groupsOf({ name: GROUP, retentionInDays: 30 }))));
    expect(short).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(short.detail).toContain('30 days');
    expect(evaluate(contextOf(withRegionGroups(groupsOf())))).toMatchObject({
      status: 'FAILED',
      severity: 'MEDIUM',
    });
    // A region the scan did not read has no log groups to judge, not an empty set of them.
    const elsewhere = evaluate(contextOf(scan), aCluster({ region: 'us-west-2' }));
    expect(elsewhere).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(elsewhere.detail).toContain('us-west-2');
  });

  it('passes, deferring to control-plane-logging, when no log type is enabled', () => {
    const logging: LogSetup[] = [{ types: ['api', 'audit'], enabled: false }];
    const outcome = evaluate(withGroups(groupsOf()), aCluster({ logging }));
    expect(outcome).toMatchObject({ status: 'PASSED' });
    expect(outcome.detail).toBe(
      'No control-plane log type is enabled, so nothing is retained; control-plane-logging judges that.',
    );
    expect(evaluate(withGroups(undefined), aCluster({ logging: [] }))).toMatchObject({ status: 'PASSED' });
  });

  it('judges the log group when a type is listed both enabled and disabled', () => {
    const logging: LogSetup[] = [
      { types: ['audit'], enabled: true },
      { types: ['audit'], enabled: false },
    ];
    expect(
      evaluate(withGroups(groupsOf({ name: GROUP, retentionInDays: 14 })), aCluster({ logging })),
    ).toMatchObject({ status: 'FAILED', severity: 'LOW' });
  });

  it('is not available when DescribeCluster returned no logging settings', () => {
    const { logging: _, ...cluster } = aCluster();
    expect(evaluate(withGroups(groupsOf({ name: GROUP, retentionInDays: 365 })), cluster)).toMatchObject({
      status: 'NOT_AVAILABLE',
    });
  });

  it('is not available, with the reason, when the log groups could not be read', () => {
    const outcome = evaluate(
      withGroups({ known: false, reason: 'AccessDeniedException: logs:DescribeLogGroups' }),
    );
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain('AccessDeniedException: logs:DescribeLogGroups');
  });

  it('is not available when the region was not read', () => {
    const outcome = evaluate(withGroups(undefined));
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain(REGION);
    expect(outcome.detail).toContain(ACCOUNT);
  });

  it.each([0, -5, Number.NaN])('is not available for a retention of %s days', (days) => {
    expect(evaluate(withGroups(groupsOf({ name: GROUP, retentionInDays: days })))).toMatchObject({
      status: 'NOT_AVAILABLE',
    });
  });
});
