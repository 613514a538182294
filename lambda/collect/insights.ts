import { DescribeInsightCommand, type EKSClient, paginateListInsights } from '@aws-sdk/client-eks';
import pLimit from 'p-limit';
import { describeAwsError } from '../errors';
import { known, type Readout, unknown } from '../model/readout';
import type { DeprecatedApiUse, UpgradeInsight, UpgradeInsightDetails } from '../model/snapshot';

/**
 * A cluster's upgrade-readiness insights; it needs only the cluster's name. Only the insights that
 * do not pass are described (their recommendation and the deprecated APIs behind them): a cluster
 * whose insights all pass costs one call. A listing that fails makes the insights unknown, with the
 * reason; a description that fails is kept with its insight, which is never dropped.
 */
export async function collectUpgradeInsights(
  eks: EKSClient,
  clusterName: string,
  describeConcurrency = 10,
): Promise<Readout<UpgradeInsight[]>> {
  const listed: UpgradeInsight[] = [];
  try {
    for await (const page of paginateListInsights(
      { client: eks, pageSize: 100 },
      { clusterName, filter: { categories: ['UPGRADE_READINESS'] } },
    )) {
      for (const insight of page.insights ?? []) {
        if (!insight.id) continue; // EKS always gives an id; an entry without one names no insight
        listed.push({
          id: insight.id,
          status: insight.insightStatus?.status?.trim().toUpperCase() ?? 'UNKNOWN',
          ...(insight.name ? { name: insight.name } : {}),
          ...(insight.insightStatus?.reason ? { reason: insight.insightStatus.reason } : {}),
          ...(insight.kubernetesVersion ? { kubernetesVersion: insight.kubernetesVersion } : {}),
        });
      }
    }
  } catch (error) {
    return unknown(`eks:ListInsights failed: ${describeAwsError(error)}`);
  }
  const limit = pLimit(describeConcurrency);
  return known(
    await Promise.all(
      listed.map((insight) =>
        insight.status === 'PASSING'
          ? insight
          : limit(async () => ({ ...insight, details: await describeInsight(eks, clusterName, insight.id) })),
      ),
    ),
  );
}

async function describeInsight(
  eks: EKSClient,
  clusterName: string,
  id: string,
): Promise<Readout<UpgradeInsightDetails>> {
  try {
    const insight = (await eks.send(new DescribeInsightCommand({ clusterName, id }))).insight;
    if (insight === undefined) return unknown('eks:DescribeInsight returned no insight');
    const deprecations = (insight.categorySpecificSummary?.deprecationDetails ?? []).map(
      (d): DeprecatedApiUse => ({
        ...(d.usage ? { usage: d.usage } : {}),
        ...(d.replacedWith ? { replacedWith: d.replacedWith } : {}),
        ...(d.stopServingVersion ? { stopServingVersion: d.stopServingVersion } : {}),
      }),
    );
    return known({
      ...(insight.recommendation ? { recommendation: insight.recommendation } : {}),
      ...(insight.description ? { description: insight.description } : {}),
      deprecations,
    });
  } catch (error) {
    return unknown(`eks:DescribeInsight failed: ${describeAwsError(error)}`);
  }
}
