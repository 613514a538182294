import { arnName } from '../model/arn';
import { compareText } from '../model/order';
import { failed, notAvailable, passed } from '../model/result';
import type { DetectorFeature, DetectorSnapshot } from '../model/snapshot';
import type { AccountRegionCheck } from './types';

/** Clusters named in a detail before the rest are counted. */
const MAX_CLUSTERS = 5;

/**
 * Runtime monitoring for EKS: `on` with GuardDuty managing the agent add-on; `manual` when the feature
 * is on but the agent must be deployed by hand, which no AWS API this scan reads can confirm.
 */
type Runtime = 'on' | 'manual' | 'off';

interface Coverage {
  readonly detector: DetectorSnapshot;
  readonly audit: boolean;
  readonly runtime: Runtime;
  /** The runtime feature the verdict rests on, when one is enabled. */
  readonly runtimeFeature?: string;
}

export const threatDetectionCoverage: AccountRegionCheck = {
  metadata: {
    id: 'threat-detection-coverage',
    title: "GuardDuty monitors the EKS audit logs and runtime of the region's clusters",
    resourceType: 'AwsAccount',
    severities: ['MEDIUM', 'LOW'],
    severityRules:
      'Judged once per account and region with clusters, on the GuardDuty detector of the region (GetDetector Features). PASSED when the detector is ENABLED with EKS audit log monitoring (EKS_AUDIT_LOGS) and runtime monitoring for EKS: RUNTIME_MONITORING, or the older EKS_RUNTIME_MONITORING, enabled with its EKS_ADDON_MANAGEMENT additional configuration enabled. FAILED MEDIUM when the region has no detector or none is ENABLED: the clusters have no threat detection. FAILED LOW when either feature is off, each named. Runtime monitoring enabled without EKS_ADDON_MANAGEMENT counts as off: the agent must then be deployed by hand, and whether it was cannot be told from AWS APIs (the detail says so). Where several detectors are returned (GuardDuty allows one per region; emulators may return more) the best enabled one is judged, and the detail says so. NOT_AVAILABLE when the detectors could not be read, when an enabled detector returns no features (the legacy API may leave them out), or when no detector is ENABLED but one returned no status.',
    remediation: {
      text: 'Enable the EKS protections on the detector: aws guardduty update-detector --detector-id <id> --features \'[{"Name":"EKS_AUDIT_LOGS","Status":"ENABLED"},{"Name":"RUNTIME_MONITORING","Status":"ENABLED","AdditionalConfiguration":[{"Name":"EKS_ADDON_MANAGEMENT","Status":"ENABLED"}]}]\' (with no detector, create one first: aws guardduty create-detector --enable).',
      url: 'https://docs.aws.amazon.com/guardduty/latest/ug/kubernetes-protection.html',
    },
    references: [
      'https://docs.aws.amazon.com/guardduty/latest/ug/kubernetes-protection.html',
      'https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring.html',
      'https://docs.aws.amazon.com/eks/latest/best-practices/runtime-security.html',
    ],
  },
  evaluate(subject) {
    const { detectors, region } = subject;
    if (!detectors.known) {
      return notAvailable(`The GuardDuty detectors of ${region} could not be read: ${detectors.reason}.`);
    }
    const all = [...detectors.value].sort((a, b) => compareText(a.id, b.id));
    const enabled = all.filter((d) => isEnabled(d.status));
    if (enabled.length === 0) {
      const unstated = all.filter((d) => d.status === undefined);
      if (unstated.length > 0) {
        return notAvailable(
          `GuardDuty returned no status for detector ${unstated.map((d) => d.id).join(', ')} in ${region}, so whether ${clustersOf(subject.clusterArns)} are covered is not known.`,
        );
      }
      const [only] = all;
      const found =
        only === undefined
          ? `GuardDuty has no detector in ${region}`
          : all.length === 1
            ? `GuardDuty detector ${only.id} in ${region} is ${only.status}`
            : `GuardDuty detectors ${all.map((d) => `${d.id} (${d.status})`).join(', ')} in ${region} are not enabled`;
      return failed('MEDIUM', `${found}: ${clustersOf(subject.clusterArns)} ${haveNo(subject.clusterArns)}.`);
    }
    const withFeatures = enabled.filter((d) => d.features.length > 0);
    if (withFeatures.length === 0) {
      return notAvailable(
        `GetDetector returned no features for detector ${enabled.map((d) => d.id).join(', ')} in ${region} (the legacy API may leave them out), so its EKS protections are not known.`,
      );
    }
    const best = withFeatures.map(coverageOf).sort((a, b) => score(b) - score(a))[0];
    if (best === undefined)
      return notAvailable(`No enabled GuardDuty detector in ${region} could be judged.`);
    const several =
      all.length > 1
        ? ` ${all.length} detectors were returned (GuardDuty allows one per region): the best enabled one, ${best.detector.id}, is judged.`
        : '';
    const id = best.detector.id;
    if (best.audit && best.runtime === 'on') {
      return passed(
        `GuardDuty detector ${id} monitors EKS audit logs (EKS_AUDIT_LOGS) and EKS runtime (${best.runtimeFeature} with EKS_ADDON_MANAGEMENT) for ${clustersOf(subject.clusterArns)}.${several}`,
      );
    }
    const missing = [
      ...(best.audit
        ? []
        : [`EKS audit log monitoring (EKS_AUDIT_LOGS)${unlisted(best.detector, 'EKS_AUDIT_LOGS')}`]),
      ...(best.runtime === 'off'
        ? [
            `runtime monitoring for EKS (RUNTIME_MONITORING with EKS_ADDON_MANAGEMENT)${unlisted(best.detector, 'RUNTIME_MONITORING', 'EKS_RUNTIME_MONITORING')}`,
          ]
        : []),
      ...(best.runtime === 'manual'
        ? [
            `runtime monitoring for EKS as far as AWS APIs show (${best.runtimeFeature} is enabled but its automated agent management, EKS_ADDON_MANAGEMENT, is off: the GuardDuty security agent must be deployed on the clusters by hand, and whether it was cannot be told from AWS APIs)`,
          ]
        : []),
    ];
    return failed(
      'LOW',
      `GuardDuty detector ${id} is enabled for ${clustersOf(subject.clusterArns)}, but without ${missing.join(', and without ')}.${several}`,
    );
  },
};

function isEnabled(status: string | undefined): boolean {
  return status?.trim().toUpperCase() === 'ENABLED';
}

function feature(detector: DetectorSnapshot, name: string): DetectorFeature | undefined {
  return detector.features.find((f) => f.name === name);
}

function coverageOf(detector: DetectorSnapshot): Coverage {
  const audit = isEnabled(feature(detector, 'EKS_AUDIT_LOGS')?.status);
  // Both runtime features may be listed (the newer one replaces the older): the better one counts.
  const runtimes = ['RUNTIME_MONITORING', 'EKS_RUNTIME_MONITORING'].flatMap((name) => {
    const found = feature(detector, name);
    if (found === undefined || !isEnabled(found.status)) return [];
    const managed = found.additionalConfiguration.some(
      (c) => c.name === 'EKS_ADDON_MANAGEMENT' && isEnabled(c.status),
    );
    return [{ runtime: managed ? ('on' as const) : ('manual' as const), runtimeFeature: name }];
  });
  const runtime = runtimes.find((r) => r.runtime === 'on') ?? runtimes[0];
  return runtime === undefined ? { detector, audit, runtime: 'off' } : { detector, audit, ...runtime };
}

function score(coverage: Coverage): number {
  return (coverage.audit ? 2 : 0) + (coverage.runtime === 'on' ? 2 : coverage.runtime === 'manual' ? 1 : 0);
}

/** Says when GetDetector did not list the feature at all, rather than listing it disabled. */
function unlisted(detector: DetectorSnapshot, ...names: string[]): string {
  return names.every((name) => feature(detector, name) === undefined) ? ', not listed by GetDetector' : '';
}

/** "the 3 clusters of this region (a, b, c)", naming the first few. */
function clustersOf(arns: readonly string[]): string {
  if (arns.length === 0) return 'the clusters of this region';
  const names = arns.map(arnName);
  const shown = names.slice(0, MAX_CLUSTERS).join(', ');
  const more = names.length > MAX_CLUSTERS ? ` and ${names.length - MAX_CLUSTERS} more` : '';
  return arns.length === 1
    ? `the 1 cluster of this region (${shown})`
    : `the ${arns.length} clusters of this region (${shown}${more})`;
}

function haveNo(arns: readonly string[]): string {
  return arns.length === 1 ? 'has no threat detection' : 'have no threat detection';
}
