import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, MiddlewareStack } from '@smithy/types';
import type { OptionalService, ServiceConfig } from '../service';
import { ApiCallCounter } from './api-calls';

export type { OptionalService, ServiceConfig };

/** The SDK clients of one account. The collector and publisher receive these and never build clients themselves. */
export interface AccountClients {
  eks(region: string): EKSClient;
  kms(region: string): KMSClient;
  ec2(region: string): EC2Client;
  /** IAM is global; its client talks to the home region's endpoint. */
  iam(): IAMClient;
  sts(): STSClient;
  /** A client of an optional service, in a region (ignored for a global one). */
  service<C extends object>(service: OptionalService<C>, region: string): C;
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
  const common: Omit<ServiceConfig, 'region'> = {
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
  };
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
    iam: () => memo('iam', () => counted(new IAMClient({ ...common, region: options.homeRegion }), 'iam')),
    sts: () => memo('sts', () => counted(new STSClient({ ...common, region: options.homeRegion }), 'sts')),
    service: <C extends object>(service: OptionalService<C>, region: string): C => {
      const at = service.global ? options.homeRegion : region;
      return memo(`${service.id}/${at}`, () => {
        const client = new service.Client({ ...common, region: at });
        // Every SDK v3 client has a middleware stack; the counter attaches to it.
        counter.attach(client as C & { middlewareStack: MiddlewareStack<object, object> }, service.id);
        return client;
      });
    },
  };
}
