import { DescribeRegionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { describeAwsError, ScanError } from '../errors';
import { parseArn } from '../model/arn';

export interface CallerAccount {
  readonly accountId: string;
  readonly partition: string;
}

export async function resolveCallerAccount(sts: STSClient): Promise<CallerAccount> {
  let arn: string | undefined;
  let accountId: string | undefined;
  try {
    const answer = await sts.send(new GetCallerIdentityCommand({}));
    arn = answer.Arn;
    accountId = answer.Account;
  } catch (error) {
    throw new ScanError(`cannot identify the AWS account of these credentials: ${describeAwsError(error)}`, {
      cause: error,
    });
  }
  if (!accountId || !/^\d{12}$/.test(accountId)) {
    throw new ScanError(`sts:GetCallerIdentity returned no valid account id (${accountId ?? 'none'})`);
  }
  // The partition comes from the caller's ARN; without one it is not guessed.
  const partition = arn === undefined ? undefined : parseArn(arn)?.partition;
  if (partition === undefined) {
    throw new ScanError(
      `sts:GetCallerIdentity returned no valid ARN (${arn ?? 'none'}) to tell the partition by`,
    );
  }
  return { accountId, partition };
}

/**
 * Regions enabled for the account. AWS lists only those by default; emulators list every region
 * with its opt-in status, so the status is checked too.
 */
export async function enabledRegions(ec2: EC2Client): Promise<string[]> {
  try {
    const answer = await ec2.send(new DescribeRegionsCommand({ AllRegions: false }));
    return (answer.Regions ?? [])
      .filter((r) => r.OptInStatus !== 'not-opted-in')
      .flatMap((r) => (r.RegionName ? [r.RegionName] : []))
      .sort();
  } catch (error) {
    throw new ScanError(
      `cannot list the account's enabled regions (pass --regions instead): ${describeAwsError(error)}`,
      {
        cause: error,
      },
    );
  }
}
