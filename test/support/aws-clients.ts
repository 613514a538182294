import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { ApiCallCounter } from '../../lambda/collect/api-calls';
import { type AccountClients, createAccountClients } from '../../lambda/collect/clients';
import { MOTO_CREDENTIALS } from './moto';

/** Clients for seeding an emulator directly, outside the scanner's own client factory. */
export interface SeedClients {
  eks(region: string): EKSClient;
  kms(region: string): KMSClient;
  iam(): IAMClient;
}

export function seedClients(endpoint: string): SeedClients {
  const common = { endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 2 };
  return {
    eks: (region) => new EKSClient({ ...common, region }),
    kms: (region) => new KMSClient({ ...common, region }),
    iam: () => new IAMClient({ ...common, region: 'us-east-1' }),
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
