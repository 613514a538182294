import { compareText } from '../model/order';
import { failed, notAvailable, passed } from '../model/result';
import type { DeprecatedApiUse, UpgradeInsight } from '../model/snapshot';
import type { ClusterCheck } from './types';

/** The statuses EKS documents for an insight, worst first; anything else is judged as UNKNOWN. */
const STATUS_ORDER = ['ERROR', 'WARNING', 'UNKNOWN', 'PASSING'] as const;
type InsightStatus = (typeof STATUS_ORDER)[number];

/** Deprecated APIs named per insight: the finding's description is cut at 1024 characters. */
const MAX_DEPRECATIONS = 5;

export const upgradeInsights: ClusterCheck = {
  metadata: {
    id: 'upgrade-insights',
    title: 'EKS upgrade-readiness insights all pass for the next Kubernetes version',
    resourceType: 'AwsEksCluster',
    severities: ['HIGH', 'LOW'],
    severityRules:
      'Judges the upgrade-readiness insights EKS keeps for the cluster (ListInsights, refreshed by EKS about once a day), with DescribeInsight read for those that do not pass. PASSED when every insight is PASSING. FAILED HIGH when any insight is ERROR: the upgrade would break something, such as clients still calling APIs the next version stops serving. FAILED LOW when the worst is WARNING. The detail names each insight that does not pass, worst first: its name, id, Kubernetes version, reason, the deprecated APIs in use with their replacement and the version that stops serving them, and the recommendation (or that its details could not be read); UNKNOWN insights beside ERROR or WARNING ones are named too. NOT_AVAILABLE when the worst is UNKNOWN (a status EKS does not document counts as UNKNOWN), when the insights could not be listed, or when EKS has reported none yet.',
    remediation: {
      text: 'For each insight named, review aws eks describe-insight --cluster-name <cluster> --id <insight-id> and move the clients it lists off the deprecated APIs (to the replacement it names) before upgrading the cluster.',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-insights.html',
    },
    references: [
      'https://docs.aws.amazon.com/eks/latest/userguide/cluster-insights.html',
      'https://docs.aws.amazon.com/eks/latest/best-practices/cluster-upgrades.html',
    ],
  },
  evaluate(cluster) {
    const listing = cluster.upgradeInsights;
    if (!listing.known)
      return notAvailable(`The upgrade-readiness insights could not be read: ${clean(listing.reason)}.`);
    const insights = listing.value;
    if (insights.length === 0) {
      return notAvailable(
        'EKS has reported no upgrade-readiness insights for this cluster yet; they are refreshed about once a day.',
      );
    }
    const judged = insights
      .map((insight) => ({ insight, status: statusOf(insight.status) }))
      .sort(
        (a, b) =>
          STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
          compareText(a.insight.name ?? '', b.insight.name ?? '') ||
          compareText(a.insight.id, b.insight.id),
      );
    const count = (status: InsightStatus) => judged.filter((j) => j.status === status).length;
    const notPassing = judged.filter((j) => j.status !== 'PASSING');
    if (notPassing.length === 0) {
      const versions = [
        ...new Set(insights.flatMap((i) => (i.kubernetesVersion ? [i.kubernetesVersion] : []))),
      ];
      const target =
        versions.length === 0
          ? 'the next Kubernetes version'
          : `Kubernetes ${versions.sort(compareText).join(', ')}`;
      return passed(`All ${plural(insights.length, 'upgrade-readiness insight')} pass for ${target}.`);
    }
    const tally = STATUS_ORDER.filter((s) => s !== 'PASSING' && count(s) > 0)
      .map((s) => `${count(s)} ${s}`)
      .join(', ');
    const named = notPassing.map((j) => describe(j.insight, j.status)).join(' ');
    const verb = notPassing.length === 1 ? 'does' : 'do';
    const detail = `${notPassing.length} of ${plural(insights.length, 'upgrade-readiness insight')} ${verb} not pass (${tally}). ${named}`;
    if (count('ERROR') > 0) return failed('HIGH', detail);
    if (count('WARNING') > 0) return failed('LOW', detail);
    return notAvailable(`EKS could not determine whether the cluster is ready to upgrade: ${detail}`);
  },
};

function statusOf(status: string): InsightStatus {
  const upper = status.trim().toUpperCase();
  return STATUS_ORDER.find((s) => s === upper) ?? 'UNKNOWN';
}

function isDocumented(status: string): boolean {
  const upper = status.trim().toUpperCase();
  return STATUS_ORDER.some((s) => s === upper);
}

/** One insight in a sentence or a few: what it is, why it does not pass, and what to do. */
function describe(insight: UpgradeInsight, status: InsightStatus): string {
  const about = [
    `id ${insight.id}`,
    ...(insight.kubernetesVersion ? [`Kubernetes ${insight.kubernetesVersion}`] : []),
  ];
  const odd = isDocumented(insight.status) ? '' : ` (status '${insight.status}' is not one EKS documents)`;
  const name = insight.name ? `'${clean(insight.name)}'` : 'An unnamed insight';
  const reason = insight.reason ? `: ${clean(insight.reason)}` : '';
  const sentences = [`${status}${odd}: ${name} (${about.join(', ')})${reason}.`];
  const details = insight.details;
  if (details === undefined) {
    sentences.push('Its details were not read.');
  } else if (!details.known) {
    sentences.push(`Its details could not be read: ${clean(details.reason)}.`);
  } else {
    const apis = [...new Set(details.value.deprecations.map(deprecation))].sort(compareText);
    if (apis.length > 0) {
      const more = apis.length > MAX_DEPRECATIONS ? ` and ${apis.length - MAX_DEPRECATIONS} more` : '';
      sentences.push(`Deprecated APIs in use: ${apis.slice(0, MAX_DEPRECATIONS).join('; ')}${more}.`);
    }
    if (details.value.recommendation)
      sentences.push(`Recommendation: ${clean(details.value.recommendation)}.`);
  }
  return sentences.join(' ');
}

function deprecation(use: DeprecatedApiUse): string {
  const notes = [
    ...(use.replacedWith ? [`replaced by ${use.replacedWith}`] : []),
    ...(use.stopServingVersion ? [`not served from Kubernetes ${use.stopServingVersion}`] : []),
  ];
  const api = use.usage ? use.usage : 'an API EKS did not name';
  return notes.length === 0 ? api : `${api} (${notes.join(', ')})`;
}

/** Text from AWS as part of a sentence: one line, without its own closing period. */
function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\.+$/, '');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
