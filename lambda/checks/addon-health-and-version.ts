import { compareAddonVersions } from '../kubernetes/addon-version';
import { failed, notAvailable, type Outcome, passed } from '../model/result';
import type { AddonHealthIssue, AddonSnapshot } from '../model/snapshot';
import type { AddonCheck } from './types';

type FailedSeverity = 'HIGH' | 'MEDIUM' | 'LOW';

/** What one rule found: a failure, a reason it cannot judge, or nothing wrong (with an optional note). */
type Finding =
  | { readonly kind: 'failed'; readonly severity: FailedSeverity; readonly text: string }
  | { readonly kind: 'unknown'; readonly text: string }
  | { readonly kind: 'ok'; readonly text: string; readonly note?: string };

const TRANSITIONAL = new Set(['CREATING', 'UPDATING', 'DELETING']);
const FAILED_STATUSES = new Set(['DEGRADED', 'CREATE_FAILED', 'UPDATE_FAILED', 'DELETE_FAILED']);
const SEVERITY_ORDER: readonly FailedSeverity[] = ['HIGH', 'MEDIUM', 'LOW'];
/** Resource ids named per health issue: enough to start from, without flooding the detail. */
const MAX_RESOURCE_IDS = 3;

export const addonHealthAndVersion: AddonCheck = {
  metadata: {
    id: 'addon-health-and-version',
    title: 'EKS add-on is healthy and runs a version EKS lists as compatible, no older than the default',
    resourceType: 'AwsEksAddon',
    severities: ['HIGH', 'MEDIUM', 'LOW'],
    severityRules:
      "Versions come from DescribeAddonVersions for the cluster's Kubernetes version. PASSED when the status is ACTIVE, EKS reports no health issues, the version is among the compatible versions, and it is at least the default version (when EKS names no default, compatibility and health alone decide, and the detail says so). FAILED HIGH when the version is not among the compatible versions. FAILED MEDIUM when the status is DEGRADED, CREATE_FAILED, UPDATE_FAILED or DELETE_FAILED, or EKS reports health issues (each listed with its code, message and up to three resource ids). FAILED LOW when the version is compatible but older than the default version (versions are ordered by major, minor and patch numbers, then the eksbuild number). When several rules fail, the worst severity wins and the detail names every problem. NOT_AVAILABLE while the add-on is CREATING, UPDATING or DELETING (judged on the next run), and when nothing failed but a rule cannot be judged: no version, the offered versions unknown (with the reason) or empty, no status or one EKS does not document, or a version whose order against the default cannot be told. A failure that is known is reported even when another rule cannot be judged; the detail says which.",
    remediation: {
      text: "Update the add-on to the default version EKS names for the cluster's Kubernetes version (aws eks describe-addon-versions --addon-name <addon> --kubernetes-version <version> shows it): aws eks update-addon --cluster-name <cluster> --addon-name <addon> --addon-version <default version>. Fix what each health issue names (aws eks describe-addon --cluster-name <cluster> --addon-name <addon> lists them).",
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/updating-an-add-on.html',
    },
    references: [
      'https://docs.aws.amazon.com/eks/latest/userguide/eks-add-ons.html',
      'https://docs.aws.amazon.com/eks/latest/userguide/updating-an-add-on.html',
      'https://docs.aws.amazon.com/eks/latest/best-practices/cluster-upgrades.html',
    ],
  },
  evaluate(addon) {
    const status = addon.status;
    if (status !== undefined && TRANSITIONAL.has(status)) {
      return notAvailable(
        `Add-on ${addon.name} is ${status}: its health and version are judged on the next run, once it settles.`,
      );
    }
    return combine(addon, [healthFinding(addon), versionFinding(addon)]);
  },
};

function versionFinding(addon: AddonSnapshot): Finding {
  const version = addon.version;
  if (version === undefined) return { kind: 'unknown', text: 'DescribeAddon returned no version.' };
  if (!addon.offer.known) {
    return {
      kind: 'unknown',
      text: `The versions EKS offers of ${addon.name} are not known: ${sentence(addon.offer.reason)}`,
    };
  }
  const { kubernetesVersion, compatibleVersions, defaultVersion } = addon.offer.value;
  // An empty list says nothing was offered, not that every version is incompatible.
  if (compatibleVersions.length === 0) {
    return {
      kind: 'unknown',
      text: `EKS lists no version of ${addon.name} for Kubernetes ${kubernetesVersion}, so the compatibility of ${version} cannot be told.`,
    };
  }
  const defaultNote =
    defaultVersion === undefined
      ? 'EKS names no default version'
      : `the default version is ${defaultVersion}`;
  if (!compatibleVersions.includes(version)) {
    return {
      kind: 'failed',
      severity: 'HIGH',
      text: `${addon.name} ${version} is not a version EKS lists as compatible with Kubernetes ${kubernetesVersion} (${defaultNote}).`,
    };
  }
  if (defaultVersion === undefined) {
    return {
      kind: 'ok',
      text: `runs ${version}, compatible with Kubernetes ${kubernetesVersion}`,
      note: `EKS names no default version of ${addon.name} for Kubernetes ${kubernetesVersion}, so only compatibility was judged.`,
    };
  }
  const order = compareAddonVersions(version, defaultVersion);
  if (order === undefined) {
    return {
      kind: 'unknown',
      text: `${addon.name} ${version} is compatible with Kubernetes ${kubernetesVersion}, but whether it is older than the default version ${defaultVersion} cannot be told (not both of the form vMAJOR.MINOR.PATCH-eksbuild.N).`,
    };
  }
  if (order < 0) {
    return {
      kind: 'failed',
      severity: 'LOW',
      text: `${addon.name} ${version} is older than the default version ${defaultVersion} for Kubernetes ${kubernetesVersion}.`,
    };
  }
  return {
    kind: 'ok',
    text: `runs ${version}, compatible with Kubernetes ${kubernetesVersion} and at least the default version ${defaultVersion}`,
  };
}

function healthFinding(addon: AddonSnapshot): Finding {
  const status = addon.status;
  const issues = [...addon.healthIssues].map(describeIssue).sort();
  const issueList = issues.length > 0 ? ` Health issues: ${issues.join('; ')}.` : '';
  if (status !== undefined && FAILED_STATUSES.has(status)) {
    return { kind: 'failed', severity: 'MEDIUM', text: `${addon.name} status is ${status}.${issueList}` };
  }
  if (issues.length > 0) {
    const shown = status === undefined ? '' : ` although the status is ${status}`;
    return {
      kind: 'failed',
      severity: 'MEDIUM',
      text: `EKS reports health issues of ${addon.name}${shown}: ${issues.join('; ')}.`,
    };
  }
  if (status === undefined) return { kind: 'unknown', text: 'DescribeAddon returned no status.' };
  if (status !== 'ACTIVE') {
    return { kind: 'unknown', text: `Status '${status}' is not one EKS documents; health cannot be judged.` };
  }
  return { kind: 'ok', text: 'is ACTIVE with no health issues' };
}

function describeIssue(issue: AddonHealthIssue): string {
  const code = issue.code ?? 'no code';
  const message = issue.message === undefined ? 'no message' : issue.message.trim().replace(/\.+$/, '');
  const ids = [...issue.resourceIds].sort();
  if (ids.length === 0) return `${code}: ${message}`;
  const more = ids.length > MAX_RESOURCE_IDS ? ` and ${ids.length - MAX_RESOURCE_IDS} more` : '';
  return `${code}: ${message} (resources ${ids.slice(0, MAX_RESOURCE_IDS).join(', ')}${more})`;
}

function combine(addon: AddonSnapshot, findings: readonly Finding[]): Outcome {
  const failures = findings
    .flatMap((f) => (f.kind === 'failed' ? [f] : []))
    .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  const unknowns = findings.flatMap((f) => (f.kind === 'unknown' ? [f.text] : []));
  const [worst] = failures;
  if (worst !== undefined) {
    const unjudged = unknowns.length > 0 ? ` Not judged: ${unknowns.join(' ')}` : '';
    return failed(worst.severity, `${failures.map((f) => f.text).join(' ')}${unjudged}`);
  }
  if (unknowns.length > 0) return notAvailable(unknowns.join(' '));
  const oks = findings.flatMap((f) => (f.kind === 'ok' ? [f] : []));
  const notes = oks.flatMap((f) => (f.note === undefined ? [] : [` ${f.note}`]));
  return passed(`${addon.name} ${oks.map((f) => f.text).join(' and ')}.${notes.join('')}`);
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
