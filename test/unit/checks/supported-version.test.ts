import { describe, expect, it } from 'vitest';
import { supportedVersion } from '../../../lambda/checks/supported-version';
import { calendarCatalog } from '../../../lambda/kubernetes/release-calendar';
import { API_VERSIONS, aCluster, aContext, NOW } from '../../support/factories';

const evaluate = (version: string | undefined, context = aContext()) => {
  const cluster = aCluster(version === undefined ? {} : { version });
  if (version === undefined) {
    const { version: _, ...unversioned } = cluster;
    return supportedVersion.evaluate(unversioned, context);
  }
  return supportedVersion.evaluate(cluster, context);
};

describe('Check: supported-version', () => {
  it('passes a version in standard support beyond the warning window', () => {
    const outcome = evaluate('1.35');
    expect(outcome).toMatchObject({ status: 'PASSED' });
    expect(outcome.detail).toContain('2027-03-27');
  });

  it('warns LOW when standard support ends within --version-warning-days', () => {
    const outcome = evaluate('1.34');
    expect(outcome).toMatchObject({ status: 'WARNING', severity: 'LOW' });
    expect(outcome.detail).toContain('2026-12-02, in 9 day(s)');
  });

  it('reports a standard-support date already past as such, still as a warning', () => {
    const stale = {
      ...API_VERSIONS,
      versions: [
        {
          version: '1.34',
          status: 'STANDARD_SUPPORT' as const,
          endOfStandardSupport: new Date('2026-11-20'),
        },
      ],
    };
    const outcome = evaluate('1.34', aContext({ versions: stale }));
    expect(outcome).toMatchObject({ status: 'WARNING', severity: 'LOW' });
    expect(outcome.detail).toContain('ended 2026-11-20, 3 day(s) ago by its date');
  });

  it('honours a shorter warning window', () => {
    expect(evaluate('1.34', aContext({ config: { versionWarningDays: 5 } }))).toMatchObject({
      status: 'PASSED',
    });
  });

  it('fails HIGH in extended support and gives the end date', () => {
    const outcome = evaluate('1.32');
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain('until 2027-03-23');
  });

  it('fails CRITICAL when unsupported', () => {
    expect(evaluate('1.29')).toMatchObject({ status: 'FAILED', severity: 'CRITICAL' });
  });

  it('fails CRITICAL for a version older than every known version', () => {
    expect(evaluate('1.10')).toMatchObject({ status: 'FAILED', severity: 'CRITICAL' });
  });

  it('never fails a version newer than the data knows', () => {
    const outcome = evaluate('1.40');
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
  });

  it('names the bundled calendar and its date when the API was not available', () => {
    const context = aContext({
      versions: calendarCatalog(NOW, 'the endpoint does not implement DescribeClusterVersions'),
    });
    const outcome = evaluate('1.31', context);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toMatch(/bundled EKS calendar \(data as of \d{4}-\d{2}-\d{2}\)/);
    expect(outcome.detail).toContain('does not implement DescribeClusterVersions');
  });

  it('moves a version through the calendar as time passes', () => {
    const at = (date: string) =>
      evaluate('1.33', aContext({ now: new Date(date), versions: calendarCatalog(new Date(date), 'test') }))
        .status;
    expect([at('2026-01-01'), at('2026-06-15'), at('2026-08-01'), at('2027-08-01')]).toEqual([
      'PASSED',
      'WARNING',
      'FAILED',
      'FAILED',
    ]);
  });

  it.each([
    [undefined, 'no Kubernetes version'],
    ['one.two', 'not a Kubernetes minor version'],
    ['1.29.3', 'not a Kubernetes minor version'],
  ])('is not available for malformed version %s', (version, message) => {
    const outcome = evaluate(version);
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain(message);
  });

  it('is not available when no version data exists for the region', () => {
    expect(evaluate('1.35', aContext({ versions: undefined }))).toMatchObject({ status: 'NOT_AVAILABLE' });
  });
});
