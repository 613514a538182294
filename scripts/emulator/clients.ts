import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ApiCallCounter } from '../../lambda/collect/api-calls';
import { type AccountClients, createAccountClients } from '../../lambda/collect/clients';
import { MOTO_CREDENTIALS } from './moto';

/** Clients for seeding an emulator directly, outside the scanner's own client factory. */
export interface SeedClients {
  eks(region: string): EKSClient;
  ec2(region: string): EC2Client;
  kms(region: string): KMSClient;
  iam(): IAMClient;
  logs(region: string): CloudWatchLogsClient;
  guardduty(region: string): GuardDutyClient;
}

export type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** @param credentials an account's own (moto maps assumed-role keys to that account's data) */
export function seedClients(endpoint: string, credentials: Credentials = MOTO_CREDENTIALS): SeedClients {
  const common = { endpoint, credentials, maxAttempts: 2 };
  return {
    eks: (region) => new EKSClient({ ...common, region }),
    ec2: (region) => new EC2Client({ ...common, region }),
    kms: (region) => new KMSClient({ ...common, region }),
    iam: () => new IAMClient({ ...common, region: 'us-east-1' }),
    logs: (region) => new CloudWatchLogsClient({ ...common, region }),
    guardduty: (region) => new GuardDutyClient({ ...common, region }),
  };
}

/** The scanner's own clients, pointed at the emulator. */
export function scannerClients(
  endpoint: string,
  homeRegion = 'us-east-1',
): { clients: AccountClients; apiCalls: ApiCallCounter } {
  const apiCalls = new ApiCallCounter();
  const clients = createAccountClients({
    homeRegion,
    apiCalls,
    endpoint,
    credentials: MOTO_CREDENTIALS,
    maxAttempts: 2,
  });
  return { clients, apiCalls };
}

/** Credentials acting in a member account, through the role moto creates there (OrganizationAccountAccessRole). */
export async function memberCredentials(
  endpoint: string,
  accountId: string,
  roleName = 'OrganizationAccountAccessRole',
): Promise<Credentials> {
  const sts = new STSClient({ region: 'us-east-1', endpoint, credentials: MOTO_CREDENTIALS });
  const answer = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`, RoleSessionName: 'seed' }),
  );
  const c = answer.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`moto gave no credentials for ${accountId}`);
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
  };
}

/** An organization in the emulator with the caller's account as management and one member; the member's id. */
export async function createOrganizationWithMember(endpoint: string): Promise<string> {
  const organizations = new OrganizationsClient({
    region: 'us-east-1',
    endpoint,
    credentials: MOTO_CREDENTIALS,
  });
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const member = (
    await organizations.send(new CreateAccountCommand({ AccountName: 'm', Email: 'm@example.com' }))
  ).CreateAccountStatus?.AccountId;
  if (!member) throw new Error('moto created no member account');
  return member;
}
