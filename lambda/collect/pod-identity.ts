import {
  DescribePodIdentityAssociationCommand,
  type EKSClient,
  paginateListPodIdentityAssociations,
} from '@aws-sdk/client-eks';
import { describeAwsError } from '../errors';
import type { ClusterSnapshot, PodIdentityAssociationSnapshot, Readout } from '../model/snapshot';
import { readEach } from './read-each';

/**
 * The Pod Identity associations of one cluster with the role each one uses. The listing names no
 * role, so each association is described. Any read that fails makes the cluster's list unknown.
 */
export async function collectPodIdentity(
  eks: EKSClient,
  cluster: Pick<ClusterSnapshot, 'name' | 'arn'>,
  concurrency = 4,
): Promise<Readout<PodIdentityAssociationSnapshot[]>> {
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
  return readEach(
    ids,
    'eks:DescribePodIdentityAssociation',
    async (associationId): Promise<PodIdentityAssociationSnapshot | undefined> => {
      const { association } = await eks.send(
        new DescribePodIdentityAssociationCommand({ clusterName: cluster.name, associationId }),
      );
      if (!association?.roleArn) return undefined;
      return {
        clusterArn: cluster.arn,
        namespace: association.namespace ?? '',
        serviceAccount: association.serviceAccount ?? '',
        associationArn: association.associationArn ?? associationId,
        roleArn: association.roleArn,
      };
    },
    concurrency,
  );
}
