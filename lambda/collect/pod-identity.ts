import {
  DescribePodIdentityAssociationCommand,
  type EKSClient,
  type PodIdentityAssociation,
  paginateListPodIdentityAssociations,
} from '@aws-sdk/client-eks';
import pLimit from 'p-limit';
import { describeAwsError, isNotFound } from '../errors';
import type { ClusterSnapshot, PodIdentityAssociationSnapshot, Readout } from '../model/snapshot';

/**
 * The Pod Identity associations of one cluster with the role each one uses. The listing names no
 * role, so each association is described. Any read that fails makes the cluster's list unknown.
 */
export async function collectPodIdentity(
  eks: EKSClient,
  cluster: Pick<ClusterSnapshot, 'name' | 'arn'>,
  concurrency = 4,
): Promise<Readout<PodIdentityAssociationSnapshot>> {
  const ids: string[] = [];
  try {
    for await (const page of paginateListPodIdentityAssociations(
      { client: eks, pageSize: 100 },
      { clusterName: cluster.name },
    )) {
      for (const summary of page.associations ?? [])
        if (summary.associationId) ids.push(summary.associationId);
    }
  } catch (error) {
    return { known: false, reason: `eks:ListPodIdentityAssociations failed: ${describeAwsError(error)}` };
  }
  const limit = pLimit(concurrency);
  try {
    const items = await Promise.all(
      ids.map((associationId) =>
        limit(async (): Promise<PodIdentityAssociationSnapshot | undefined> => {
          let association: PodIdentityAssociation | undefined;
          try {
            ({ association } = await eks.send(
              new DescribePodIdentityAssociationCommand({ clusterName: cluster.name, associationId }),
            ));
          } catch (error) {
            // Deleted since it was listed: it uses no role any more.
            if (isNotFound(error)) return undefined;
            limit.clearQueue();
            throw new Error(
              `eks:DescribePodIdentityAssociation failed for ${associationId}: ${describeAwsError(error)}`,
            );
          }
          if (!association?.roleArn) return undefined;
          return {
            clusterArn: cluster.arn,
            namespace: association.namespace ?? '',
            serviceAccount: association.serviceAccount ?? '',
            associationArn: association.associationArn ?? associationId,
            roleArn: association.roleArn,
          };
        }),
      ),
    );
    return { known: true, items: items.filter((a) => a !== undefined) };
  } catch (error) {
    return { known: false, reason: (error as Error).message };
  }
}
