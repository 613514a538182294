import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, MiddlewareStack } from '@smithy/types';
import { ApiCallCounter } from './api-calls';

/** The SDK clients of one account. The collector and publisher receive these and never build clients themselves. */
export interface AccountClients {
  eks(region: string): EKSClient;
  kms(region: string): KMSClient;
  ec2(region: string): EC2Client;
  securityHub(region: string): SecurityHubClient;
  /** The scan-completed event goes to the default bus of the scanner's own account. */
  eventBridge(region: string): EventBridgeClient;
  /** The scanner's own settings kept in Parameter Store (the Lambda's mutelist). */
  ssm(region: string): SSMClient;
  /** IAM is global; its client talks to the home region's endpoint. */
  iam(): IAMClient;
  sts(): STSClient;
  /** Organizations is global too; only the management (or delegated) account can list accounts. */
  organizations(): OrganizationsClient;
}

export interface ClientOptions {
  /** Region for global services (IAM, STS) and for listing regions. */
  readonly homeRegion: string;
  /** Defaults to the SDK's default chain. */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Per attempt; the SDK has no timeout of its own. @default 15000 */
  readonly requestTimeoutMs?: number;
  /** Attempts per operation, including the first; throttling backs off between them. @default 8 */
  readonly maxAttempts?: number;
  readonly apiCalls?: ApiCallCounter;
  /** One endpoint for every service (tests); otherwise the SDK's own resolution, which honours `AWS_ENDPOINT_URL`. */
  readonly endpoint?: string;
}

/**
 * Real clients: one per service and region, made on first use and reused for the whole scan.
 * `AWS_ENDPOINT_URL` (and `AWS_ENDPOINT_URL_<SERVICE>`) is honoured by the SDK itself.
 */
export function createAccountClients(options: ClientOptions): AccountClients {
  const counter = options.apiCalls ?? new ApiCallCounter();
  const common = {
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    maxAttempts: options.maxAttempts ?? 8,
    // Adaptive retry adds client-side rate limiting once AWS throttles, on top of backoff.
    retryMode: 'adaptive',
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 5_000,
      requestTimeout: options.requestTimeoutMs ?? 15_000,
      throwOnRequestTimeout: true,
    }),
  } as const;
  const cache = new Map<string, unknown>();
  function memo<C>(key: string, make: () => C): C {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as C;
  }
  function counted<I extends object, O extends object, C extends { middlewareStack: MiddlewareStack<I, O> }>(
    client: C & { middlewareStack: MiddlewareStack<I, O> },
    service: string,
  ): C {
    counter.attach<I, O>(client, service);
    return client;
  }
  return {
    eks: (region) => memo(`eks/${region}`, () => counted(new EKSClient({ ...common, region }), 'eks')),
    kms: (region) => memo(`kms/${region}`, () => counted(new KMSClient({ ...common, region }), 'kms')),
    ec2: (region) => memo(`ec2/${region}`, () => counted(new EC2Client({ ...common, region }), 'ec2')),
    securityHub: (region) =>
      memo(`securityhub/${region}`, () =>
        counted(new SecurityHubClient({ ...common, region }), 'securityhub'),
      ),
    eventBridge: (region) =>
      memo(`events/${region}`, () => counted(new EventBridgeClient({ ...common, region }), 'events')),
    ssm: (region) => memo(`ssm/${region}`, () => counted(new SSMClient({ ...common, region }), 'ssm')),
    iam: () => memo('iam', () => counted(new IAMClient({ ...common, region: options.homeRegion }), 'iam')),
    sts: () => memo('sts', () => counted(new STSClient({ ...common, region: options.homeRegion }), 'sts')),
    organizations: () =>
      memo('organizations', () =>
        counted(new OrganizationsClient({ ...common, region: options.homeRegion }), 'organizations'),
      ),
  };
}
