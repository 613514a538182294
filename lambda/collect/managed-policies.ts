import { GetPolicyCommand, GetPolicyVersionCommand, type IAMClient } from '@aws-sdk/client-iam';
import { describeAwsError } from '../errors';
import type { Readout } from '../model/readout';
import { type PermissionPolicy, readPermissionPolicy } from '../policy/permission-document';

/**
 * AWS-managed policies (`arn:<partition>:iam::aws:policy/...`) are the same in every account of a
 * partition, and GetAccountAuthorizationDetails lists them only with the `AWSManagedPolicy` filter,
 * which returns all of them (over a thousand, every version). So each one a role uses is read on its
 * own (`iam:GetPolicy` for the default version, `iam:GetPolicyVersion` for its document) and once per
 * run: the scan makes one cache and every account's identity collection reads through it.
 *
 * Only what was read is kept. A read that failed (denied to one account by an SCP, throttled out)
 * answers `known: false` to the account that made it, and the next account to ask tries again with
 * its own credentials; an account asking while another account's read is in flight waits for it,
 * and reads itself only if that read failed.
 */
export class ManagedPolicyCache {
  private readonly byArn = new Map<string, Entry>();

  /** The policy's default version, parsed (the same object for every role and account), or why not. */
  document(iam: IAMClient, arn: string): Promise<Readout<PermissionPolicy>> {
    const current = this.byArn.get(arn);
    if (current) {
      return current.read.then((attempt) =>
        attempt.read || current.iam === iam ? attempt.document : this.document(iam, arn),
      );
    }
    const entry: Entry = {
      iam,
      read: readDefaultVersion(iam, arn).then((attempt) => {
        // Forgotten before anyone sees the failure, so that whoever asks next reads again.
        if (!attempt.read && this.byArn.get(arn) === entry) this.byArn.delete(arn);
        return attempt;
      }),
    };
    this.byArn.set(arn, entry);
    return entry.read.then((attempt) => attempt.document);
  }
}

/** A read made (or being made) with one account's client. */
interface Entry {
  readonly iam: IAMClient;
  readonly read: Promise<Attempt>;
}

interface Attempt {
  readonly document: Readout<PermissionPolicy>;
  /** True when IAM answered with the document (parsed or not): the answer is the same for every account. */
  readonly read: boolean;
}

/** True for a policy AWS owns (the `aws` account in its ARN), in any partition. */
export function isAwsManagedPolicy(arn: string): boolean {
  return /^arn:[^:]+:iam::aws:policy\//.test(arn);
}

async function readDefaultVersion(iam: IAMClient, arn: string): Promise<Attempt> {
  let versionId: string | undefined;
  try {
    versionId = (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId;
  } catch (error) {
    return failed(`iam:GetPolicy failed: ${describeAwsError(error)}`);
  }
  if (!versionId) return failed('iam:GetPolicy named no default version');
  let document: string | undefined;
  try {
    const answer = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }));
    document = answer.PolicyVersion?.Document;
  } catch (error) {
    return failed(`iam:GetPolicyVersion failed: ${describeAwsError(error)}`);
  }
  if (document === undefined) return failed(`iam:GetPolicyVersion returned no document for ${versionId}`);
  // IAM returns the document URL-encoded; the reader decodes it (and takes raw JSON from emulators).
  return { document: readPermissionPolicy(document), read: true };
}

function failed(reason: string): Attempt {
  return { document: { known: false, reason }, read: false };
}
