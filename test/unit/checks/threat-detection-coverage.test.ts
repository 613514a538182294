import { describe, expect, it } from 'vitest';
import { threatDetectionCoverage } from '../../../lambda/checks/threat-detection-coverage';
import type { AccountRegionSubject } from '../../../lambda/checks/types';
import type { DetectorFeature, DetectorSnapshot, Readout } from '../../../lambda/model/snapshot';
import { ACCOUNT, aContext, REGION } from '../../support/factories';

const arnOf = (name: string) => `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${name}`;

function aSubject(
  detectors: Readout<readonly DetectorSnapshot[]>,
  clusters: readonly string[] = ['prod', 'staging'],
): AccountRegionSubject {
  return { accountId: ACCOUNT, region: REGION, clusterArns: clusters.map(arnOf), detectors };
}

const on = (name: string, ...additional: [string, string][]): DetectorFeature => ({
  name,
  status: 'ENABLED',
  additionalConfiguration: additional.map(([n, status]) => ({ name: n, status })),
});
const off = (name: string): DetectorFeature => ({ name, status: 'DISABLED', additionalConfiguration: [] });

const AUDIT = on('EKS_AUDIT_LOGS');
const RUNTIME = on(
  'RUNTIME_MONITORING',
  ['EKS_ADDON_MANAGEMENT', 'ENABLED'],
  ['ECS_FARGATE_AGENT_MANAGEMENT', 'DISABLED'],
);
const RUNTIME_MANUAL = on('RUNTIME_MONITORING', ['EKS_ADDON_MANAGEMENT', 'DISABLED']);

function aDetector(
  features: readonly DetectorFeature[],
  overrides: Partial<DetectorSnapshot> = {},
): DetectorSnapshot {
  return { id: '12abc34d567e8fa901bc2d34eexample', status: 'ENABLED', features, ...overrides };
}

const evaluate = (detectors: readonly DetectorSnapshot[], clusters?: readonly string[]) =>
  threatDetectionCoverage.evaluate(aSubject({ known: true, value: detectors }, clusters), aContext());

describe('Check: threat-detection-coverage', () => {
  it('passes when EKS audit log and runtime monitoring are on, naming the detector', () => {
    const outcome = evaluate([aDetector([off('S3_DATA_EVENTS'), AUDIT, RUNTIME])]);
    expect(outcome).toMatchObject({ status: 'PASSED', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain('12abc34d567e8fa901bc2d34eexample');
    expect(outcome.detail).toContain('RUNTIME_MONITORING');
  });

  it('passes with the older EKS_RUNTIME_MONITORING feature and its agent management', () => {
    const outcome = evaluate([
      aDetector([AUDIT, on('EKS_RUNTIME_MONITORING', ['EKS_ADDON_MANAGEMENT', 'ENABLED'])]),
    ]);
    expect(outcome).toMatchObject({ status: 'PASSED' });
    expect(outcome.detail).toContain('EKS_RUNTIME_MONITORING');
  });

  it('fails MEDIUM when the region has no detector, naming its clusters', () => {
    const outcome = evaluate([]);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain(`GuardDuty has no detector in ${REGION}`);
    expect(outcome.detail).toContain(
      'the 2 clusters of this region (prod, staging) have no threat detection.',
    );
  });

  it('fails MEDIUM when the detector is not enabled', () => {
    const outcome = evaluate([aDetector([AUDIT, RUNTIME], { status: 'DISABLED' })], ['prod']);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain('is DISABLED');
    expect(outcome.detail).toContain('the 1 cluster of this region (prod) has no threat detection.');
  });

  it('names five clusters and counts the rest', () => {
    const clusters = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const outcome = evaluate([], clusters);
    expect(outcome.detail).toContain('the 7 clusters of this region (a, b, c, d, e and 2 more)');
  });

  it('fails LOW without EKS audit log monitoring', () => {
    const outcome = evaluate([aDetector([off('EKS_AUDIT_LOGS'), RUNTIME])]);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain('EKS audit log monitoring');
    expect(outcome.detail).not.toContain('runtime monitoring for EKS');
  });

  it('fails LOW without runtime monitoring for EKS', () => {
    const outcome = evaluate([aDetector([AUDIT, off('RUNTIME_MONITORING')])]);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain('runtime monitoring for EKS');
    expect(outcome.detail).not.toContain('EKS audit log monitoring');
  });

  it('fails LOW naming both features when both are off, and says when GetDetector did not list them', () => {
    const outcome = evaluate([aDetector([off('S3_DATA_EVENTS')])]);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain('EKS audit log monitoring (EKS_AUDIT_LOGS), not listed by GetDetector');
    expect(outcome.detail).toContain('runtime monitoring for EKS');
  });

  it('counts runtime monitoring without automated agent management as off, saying the agent cannot be seen', () => {
    const outcome = evaluate([aDetector([AUDIT, RUNTIME_MANUAL])]);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain('EKS_ADDON_MANAGEMENT, is off');
    expect(outcome.detail).toContain('cannot be told from AWS APIs');
    // Agent management set for another platform does not count.
    const fargateOnly = on('RUNTIME_MONITORING', ['ECS_FARGATE_AGENT_MANAGEMENT', 'ENABLED']);
    expect(evaluate([aDetector([AUDIT, fargateOnly])])).toMatchObject({ status: 'FAILED', severity: 'LOW' });
  });

  it('does not count agent management on a disabled runtime feature', () => {
    const disabled: DetectorFeature = { ...RUNTIME, status: 'DISABLED' };
    expect(evaluate([aDetector([AUDIT, disabled])])).toMatchObject({ status: 'FAILED', severity: 'LOW' });
  });

  it('judges the best enabled detector when several are returned, and says so', () => {
    const outcome = evaluate([
      aDetector([off('EKS_AUDIT_LOGS')], { id: 'aaa-partial' }),
      aDetector([AUDIT, RUNTIME], { id: 'bbb-full' }),
      aDetector([AUDIT, RUNTIME], { id: 'ccc-disabled', status: 'DISABLED' }),
    ]);
    expect(outcome).toMatchObject({ status: 'PASSED' });
    expect(outcome.detail).toContain('bbb-full');
    expect(outcome.detail).toContain('3 detectors were returned');
  });

  it('fails MEDIUM naming each detector when several are returned and none is enabled', () => {
    const outcome = evaluate([
      aDetector([], { id: 'one', status: 'DISABLED' }),
      aDetector([], { id: 'two', status: 'DISABLED' }),
    ]);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain('one (DISABLED), two (DISABLED)');
  });

  it('is not available when an enabled detector returned no features', () => {
    const outcome = evaluate([aDetector([])]);
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain('GetDetector returned no features');
  });

  it('is not available when no detector is enabled and one returned no status', () => {
    const { status: _, ...detector } = aDetector([AUDIT, RUNTIME]);
    const outcome = evaluate([detector]);
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('no status');
  });

  it('is not available, with the reason, when the detectors could not be read', () => {
    const outcome = threatDetectionCoverage.evaluate(
      aSubject({ known: false, reason: 'AccessDeniedException: guardduty:ListDetectors' }),
      aContext(),
    );
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('AccessDeniedException: guardduty:ListDetectors');
  });
});
