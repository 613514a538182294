import { compareVersions, type MinorVersion, parseMinorVersion } from '../kubernetes/minor-version';
import { failed, notAvailable, passed, warning } from '../model/result';
import type { VersionInfo } from '../model/snapshot';
import type { ClusterCheck } from './types';

const DAY_MS = 86_400_000;

export const supportedVersion: ClusterCheck = {
  metadata: {
    id: 'supported-version',
    title: 'EKS cluster runs a Kubernetes version in standard support',
    resourceType: 'AwsEksCluster',
    severities: ['CRITICAL', 'HIGH', 'LOW'],
    severityRules:
      'Support status comes from DescribeClusterVersions, or the bundled calendar (its data date in the detail) where that API is not available. PASSED in standard support more than --version-warning-days (default 90) before its end. WARNING LOW when standard support ends within that window. FAILED HIGH in extended support (extra cost; end date in the detail). FAILED CRITICAL when unsupported or older than every known version. NOT_AVAILABLE for a version newer than the data knows.',
    remediation: {
      text: 'Upgrade the control plane one minor version at a time (aws eks update-cluster-version --name <cluster> --kubernetes-version <next>), then node groups and add-ons.',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html',
    },
    references: [
      'https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html',
      'https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeClusterVersions.html',
    ],
  },
  evaluate(cluster, context) {
    if (cluster.version === undefined) return notAvailable('DescribeCluster returned no Kubernetes version');
    const version = parseMinorVersion(cluster.version);
    if (version === undefined) return notAvailable(`'${cluster.version}' is not a Kubernetes minor version`);
    const catalog = context.versions(cluster.region);
    if (catalog === undefined) return notAvailable(`no version support data for ${cluster.region}`);
    const source = ` (${catalog.note})`;
    const info = catalog.versions.find((v) => sameVersion(v, version));
    if (info === undefined) {
      const known = catalog.versions
        .map((v) => parseMinorVersion(v.version))
        .filter((v): v is MinorVersion => !!v);
      if (known.length > 0 && known.every((k) => compareVersions(version, k) < 0)) {
        return failed(
          'CRITICAL',
          `Kubernetes ${cluster.version} is older than every supported version${source}.`,
        );
      }
      return notAvailable(`Kubernetes ${cluster.version} is not in the version support data${source}.`);
    }
    const standardEnd = formatDate(info.endOfStandardSupport);
    switch (info.status) {
      case 'UNSUPPORTED':
        return failed(
          'CRITICAL',
          `Kubernetes ${cluster.version} is no longer supported (extended support ended ${formatDate(info.endOfExtendedSupport)})${source}.`,
        );
      case 'EXTENDED_SUPPORT':
        return failed(
          'HIGH',
          `Kubernetes ${cluster.version} is in extended support, billed at extra cost, until ${formatDate(info.endOfExtendedSupport)}; standard support ended ${standardEnd}${source}.`,
        );
      case 'STANDARD_SUPPORT': {
        const end = info.endOfStandardSupport;
        if (end === undefined)
          return passed(`Kubernetes ${cluster.version} is in standard support${source}.`);
        const days = Math.ceil((end.getTime() - context.now.getTime()) / DAY_MS);
        if (days <= context.config.versionWarningDays) {
          // A status of standard support past its date: report the date as it is, still as a warning.
          const when =
            days >= 0
              ? `ends ${standardEnd}, in ${days} day(s)`
              : `ended ${standardEnd}, ${-days} day(s) ago by its date`;
          return warning('LOW', `Standard support for Kubernetes ${cluster.version} ${when}${source}.`);
        }
        return passed(`Kubernetes ${cluster.version} is in standard support until ${standardEnd}${source}.`);
      }
    }
  },
};

function sameVersion(info: VersionInfo, version: MinorVersion): boolean {
  const parsed = parseMinorVersion(info.version);
  return parsed !== undefined && compareVersions(parsed, version) === 0;
}

function formatDate(date: Date | undefined): string {
  return date === undefined ? 'on an unpublished date' : date.toISOString().slice(0, 10);
}
