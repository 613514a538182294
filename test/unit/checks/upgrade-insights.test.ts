import { describe, expect, it } from 'vitest';
import { upgradeInsights } from '../../../lambda/checks/upgrade-insights';
import type { Readout, UpgradeInsight, UpgradeInsightDetails } from '../../../lambda/model/snapshot';
import { aCluster, aContext } from '../../support/factories';

const evaluate = (insights: Readout<readonly UpgradeInsight[]>) =>
  upgradeInsights.evaluate(aCluster({ upgradeInsights: insights }), aContext());

const listed = (...insights: UpgradeInsight[]) => evaluate({ known: true, value: insights });

function anInsight(overrides: Partial<UpgradeInsight> = {}): UpgradeInsight {
  return {
    id: 'a1b2c3d4-0000-0000-0000-000000000001',
    name: 'Kubelet version skew',
    status: 'PASSING',
    reason: 'No issues found.',
    kubernetesVersion: '1.36',
    ...overrides,
  };
}

const details = (value: Partial<UpgradeInsightDetails> = {}): Readout<UpgradeInsightDetails> => ({
  known: true,
  value: { deprecations: [], ...value },
});

const DEPRECATED: UpgradeInsight = anInsight({
  id: 'dep-0001',
  name: 'Deprecated APIs removed in Kubernetes v1.36',
  status: 'ERROR',
  reason: 'Deprecated API usage detected within last 30 days.',
  details: details({
    recommendation: 'Update manifests and API clients to use newer Kubernetes APIs before upgrading.',
    deprecations: [
      {
        usage: '/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas',
        replacedWith: '/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas',
        stopServingVersion: '1.36',
      },
      {
        usage: '/apis/autoscaling/v2beta2/horizontalpodautoscalers',
        replacedWith: '/apis/autoscaling/v2/horizontalpodautoscalers',
        stopServingVersion: '1.36',
      },
    ],
  }),
});

const SKEW_WARNING: UpgradeInsight = anInsight({
  id: 'skew-0001',
  name: 'Kubelet version skew',
  status: 'WARNING',
  reason: 'Node kubelet versions are two minor versions behind.',
  details: details({ recommendation: 'Upgrade your worker nodes to match the control plane.' }),
});

describe('Check: upgrade-insights', () => {
  it('passes when every insight is PASSING, saying how many and for which version', () => {
    const outcome = listed(
      anInsight({ id: 'i-1', name: 'Kubelet version skew' }),
      anInsight({ id: 'i-2', name: 'EKS add-on version compatibility' }),
      anInsight({ id: 'i-3', name: 'Cluster health issues' }),
    );
    expect(outcome).toMatchObject({ status: 'PASSED', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain('All 3 upgrade-readiness insights pass');
    expect(outcome.detail).toContain('Kubernetes 1.36');
  });

  it('passes for the next version when the insights name none', () => {
    const { kubernetesVersion: _, ...insight } = anInsight();
    const outcome = listed(insight);
    expect(outcome).toMatchObject({ status: 'PASSED' });
    expect(outcome.detail).toContain('1 upgrade-readiness insight pass');
    expect(outcome.detail).toContain('the next Kubernetes version');
  });

  it('fails HIGH on an ERROR insight, naming its deprecated APIs, replacements, version and recommendation', () => {
    const outcome = listed(anInsight({ id: 'ok-1' }), DEPRECATED);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain("'Deprecated APIs removed in Kubernetes v1.36'");
    expect(outcome.detail).toContain('id dep-0001');
    expect(outcome.detail).toContain('Kubernetes 1.36');
    expect(outcome.detail).toContain('Deprecated API usage detected within last 30 days');
    expect(outcome.detail).toContain(
      '/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas (replaced by /apis/flowcontrol.apiserver.k8s.io/v1/flowschemas, not served from Kubernetes 1.36)',
    );
    expect(outcome.detail).toContain('Recommendation: Update manifests and API clients');
    expect(outcome.detail).toContain('1 of 2 upgrade-readiness insights does not pass (1 ERROR)');
    // Deprecated APIs are sorted, and AWS's own closing periods are not doubled.
    expect(outcome.detail.indexOf('/apis/autoscaling')).toBeLessThan(
      outcome.detail.indexOf('/apis/flowcontrol'),
    );
    expect(outcome.detail).not.toContain('..');
    expect(outcome.detail.endsWith('.')).toBe(true);
  });

  it('fails LOW when the worst insight is WARNING', () => {
    const outcome = listed(anInsight({ id: 'ok-1' }), SKEW_WARNING);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain("'Kubelet version skew' (id skew-0001, Kubernetes 1.36)");
    expect(outcome.detail).toContain('two minor versions behind');
    expect(outcome.detail).toContain('Recommendation: Upgrade your worker nodes');
  });

  it('names ERROR insights before WARNING ones, and notes the UNKNOWN ones beside them', () => {
    const outcome = listed(
      SKEW_WARNING,
      anInsight({
        id: 'unk-1',
        name: 'Amazon Linux 2 compatibility',
        status: 'UNKNOWN',
        reason: 'Insight check could not run.',
        details: details(),
      }),
      DEPRECATED,
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain('(1 ERROR, 1 WARNING, 1 UNKNOWN)');
    const order = ['ERROR:', 'WARNING:', 'UNKNOWN:'].map((tag) => outcome.detail.indexOf(tag));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(outcome.detail).toContain('Amazon Linux 2 compatibility');
  });

  it('fails LOW with WARNING and UNKNOWN insights, naming both', () => {
    const outcome = listed(
      SKEW_WARNING,
      anInsight({ id: 'unk-1', name: 'Cluster health', status: 'UNKNOWN' }),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain("UNKNOWN: 'Cluster health'");
  });

  it('sorts insights of the same status by name', () => {
    const outcome = listed(
      anInsight({ id: 'z', name: 'Zeta check', status: 'ERROR' }),
      anInsight({ id: 'a', name: 'Alpha check', status: 'ERROR' }),
    );
    expect(outcome.detail.indexOf('Alpha check')).toBeLessThan(outcome.detail.indexOf('Zeta check'));
  });

  it('keeps an insight whose details could not be read, saying so', () => {
    const outcome = listed(
      anInsight({
        id: 'dep-0002',
        name: 'Deprecated APIs removed in Kubernetes v1.36',
        status: 'ERROR',
        details: { known: false, reason: 'AccessDeniedException: eks:DescribeInsight' },
      }),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain('dep-0002');
    expect(outcome.detail).toContain(
      'Its details could not be read: AccessDeniedException: eks:DescribeInsight.',
    );
  });

  it('says when the details of a failing insight were not read at all', () => {
    const outcome = listed(anInsight({ id: 'w-1', status: 'WARNING' }));
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain('Its details were not read.');
  });

  it('names the first deprecated APIs only, counting the rest', () => {
    const deprecations = Array.from({ length: 8 }, (_, i) => ({
      usage: `/apis/example.io/v1beta1/kind${i}`,
    }));
    const outcome = listed(anInsight({ status: 'ERROR', details: details({ deprecations }) }));
    expect(outcome.detail).toContain('kind4');
    expect(outcome.detail).not.toContain('kind5');
    expect(outcome.detail).toContain('and 3 more');
  });

  it('names a deprecated API use with missing fields without inventing them', () => {
    const outcome = listed(
      anInsight({ status: 'ERROR', details: details({ deprecations: [{ replacedWith: '/apis/x/v1/y' }] }) }),
    );
    expect(outcome.detail).toContain('an API EKS did not name (replaced by /apis/x/v1/y)');
    expect(outcome.detail).not.toContain('not served from');
  });

  it('names an insight EKS gave no name or reason', () => {
    const {
      name: _,
      reason: __,
      ...insight
    } = anInsight({ id: 'nameless-1', status: 'ERROR', details: details() });
    const outcome = listed(insight);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain('An unnamed insight (id nameless-1, Kubernetes 1.36).');
  });

  it('is not available when the worst insight is UNKNOWN', () => {
    const outcome = listed(
      anInsight({ id: 'ok-1' }),
      anInsight({ id: 'unk-1', name: 'Cluster health', status: 'UNKNOWN' }),
    );
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain('Cluster health');
  });

  it('counts a status EKS does not document as UNKNOWN, never as passing', () => {
    const outcome = listed(anInsight({ id: 'odd-1', status: 'FLAKY' }));
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain("status 'FLAKY' is not one EKS documents");
    expect(listed(anInsight({ status: '' }))).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(listed(SKEW_WARNING, anInsight({ id: 'odd-2', status: 'FLAKY' }))).toMatchObject({
      status: 'FAILED',
      severity: 'LOW',
    });
  });

  it('is not available when EKS has reported no insights yet', () => {
    const outcome = listed();
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toBe(
      'EKS has reported no upgrade-readiness insights for this cluster yet; they are refreshed about once a day.',
    );
  });

  it('is not available, with the reason, when the insights could not be listed', () => {
    const outcome = evaluate({ known: false, reason: 'AccessDeniedException: eks:ListInsights' });
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('AccessDeniedException: eks:ListInsights');
  });
});
