import {
  type EKSClient,
  paginateListAccessEntries,
  paginateListAssociatedAccessPolicies,
} from '@aws-sdk/client-eks';
import { describeAwsError } from '../errors';
import type { AccessEntrySnapshot, ClusterSnapshot, Readout } from '../model/snapshot';
import { readEach } from './read-each';

/**
 * A cluster's access entries, each with the access policies associated with it. Any read that
 * fails makes the whole list unknown, with the reason: a partial list could hide an administrator.
 * Clusters in `CONFIG_MAP` mode have no access entries; nothing is read for them.
 */
export async function collectAccessEntries(
  eks: EKSClient,
  cluster: Pick<ClusterSnapshot, 'name' | 'authenticationMode'>,
  concurrency = 4,
): Promise<Readout<AccessEntrySnapshot[]>> {
  if (cluster.authenticationMode === 'CONFIG_MAP') {
    return {
      known: false,
      reason:
        'the authentication mode is CONFIG_MAP: access is granted in the aws-auth ConfigMap, which the EKS API does not show',
    };
  }
  const principals: string[] = [];
  try {
    for await (const page of paginateListAccessEntries(
      { client: eks, pageSize: 100 },
      { clusterName: cluster.name },
    )) {
      principals.push(...(page.accessEntries ?? []));
    }
  } catch (error) {
    return { known: false, reason: `eks:ListAccessEntries failed: ${describeAwsError(error)}` };
  }
  return readEach(
    principals,
    'eks:ListAssociatedAccessPolicies',
    async (principalArn): Promise<AccessEntrySnapshot> => {
      const policies: AccessEntrySnapshot['policies'][number][] = [];
      for await (const page of paginateListAssociatedAccessPolicies(
        { client: eks, pageSize: 100 },
        { clusterName: cluster.name, principalArn },
      )) {
        for (const policy of page.associatedAccessPolicies ?? []) {
          if (!policy.policyArn) continue;
          policies.push({
            policyArn: policy.policyArn,
            // An association that names no scope is taken at its widest: the whole cluster.
            scope: policy.accessScope?.type ?? 'cluster',
            namespaces: policy.accessScope?.namespaces ?? [],
          });
        }
      }
      return { principalArn, policies };
    },
    concurrency,
  );
}
