import { arnAccount } from '../model/arn';
import { compareText } from '../model/order';
import { failed, notAvailable, passed } from '../model/result';
import type { ClusterCheck } from './types';

/** How many ARNs a detail names before it says how many more there are. */
const LISTED = 10;

export const accessEntryPrincipalExists: ClusterCheck = {
  metadata: {
    id: 'access-entry-principal-exists',
    title: 'EKS access entries name only IAM principals that still exist',
    resourceType: 'AwsEksCluster',
    severities: ['LOW'],
    severityRules:
      "Looks up the IAM role or user of every access entry in the scanned IAM data, by account and name (IAM names are unique in an account, whatever the path). PASSED when the cluster has no access entries, or when every principal judged exists and every principal of the cluster's own account was judged (the detail says how many entries were judged). FAILED LOW when some principal does not exist, listing them: the entry is stale access to clean up. EKS keeps the deleted principal's unique ID with the entry, so a principal recreated with the same ARN does not regain access through it, but the entry still shows access that no one holds, and the recreated principal cannot be given an entry until the stale one is deleted. A principal of another account is judged when that account is scanned and its IAM data read; otherwise it is not judged, and the detail says how many were not. NOT_AVAILABLE when the access entries could not be read (as in CONFIG_MAP mode), or when nothing fails and some principal of the cluster's own account could not be judged (its users were not listed, or the ARN is not a role or user ARN), with the reasons, or when every entry names a principal of another account that is not judged. A principal deleted and recreated under the same name counts as existing: access entries do not show the principal ID that would tell them apart.",
    remediation: {
      text: 'Delete each access entry whose principal no longer exists: aws eks delete-access-entry --cluster-name <cluster> --principal-arn <arn>. Its access policy associations are deleted with it.',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/deleting-access-entries.html',
    },
    references: [
      'https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html',
      'https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html',
    ],
  },
  evaluate(cluster, context) {
    const entries = cluster.accessEntries;
    if (!entries.known) return notAvailable(`The access entries could not be read: ${entries.reason}.`);
    const missing: string[] = [];
    const unjudged: { readonly arn: string; readonly reason: string }[] = [];
    let otherAccounts = 0;
    let existing = 0;
    for (const { principalArn } of entries.value) {
      const exists = context.principalExists(principalArn);
      if (exists.known) {
        if (exists.value) existing += 1;
        else missing.push(principalArn);
      } else if (isOtherAccount(principalArn, cluster.accountId)) {
        // Cross-account principals are judged only when their account's IAM data was read.
        otherAccounts += 1;
      } else {
        unjudged.push({ arn: principalArn, reason: exists.reason });
      }
    }
    const others =
      otherAccounts > 0
        ? ` ${otherAccounts} principal(s) in other accounts not judged (their account is not scanned, or its roles or users were not read).`
        : '';
    const notJudged =
      unjudged.length > 0
        ? ` Could not be judged: ${list(unjudged.map((u) => `${u.arn} (${u.reason})`))}.`
        : '';
    if (missing.length > 0) {
      const names =
        missing.length === 1
          ? '1 access entry names a principal that no longer exists'
          : `${missing.length} access entries name principals that no longer exist`;
      return failed(
        'LOW',
        `${names}: ${list(missing)}. Delete these stale entries: a principal recreated with the same ARN does not regain access through them, but they show access no one holds and block a new entry for that ARN.${notJudged}${others}`,
      );
    }
    if (unjudged.length > 0) {
      return notAvailable(
        `No access entry is known to name a deleted principal, but ${unjudged.length} principal(s) of the cluster's account could not be judged: ${list(unjudged.map((u) => `${u.arn} (${u.reason})`))}.${others}`,
      );
    }
    if (entries.value.length === 0) return passed('The cluster has no access entries.');
    if (existing === 0) return notAvailable(`No access entry could be judged.${others}`);
    const judged =
      existing === 1
        ? 'The 1 access entry judged names a principal that exists.'
        : `All ${existing} access entries judged name principals that exist.`;
    return passed(`${judged}${others}`);
  },
};

/** An ARN whose account is known and differs from the cluster's. */
function isOtherAccount(arn: string, clusterAccount: string): boolean {
  const account = arnAccount(arn);
  return account !== undefined && account !== clusterAccount;
}

/** Sorted, and cut after the first `LISTED`. */
function list(items: readonly string[]): string {
  const sorted = [...items].sort(compareText);
  const shown = sorted.slice(0, LISTED).join(', ');
  return sorted.length > LISTED ? `${shown} and ${sorted.length - LISTED} more` : shown;
}
