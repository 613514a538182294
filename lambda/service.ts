/**
 * How a module names the AWS service it calls when only some runs call it: the clients of an
 * account (lambda/collect/clients.ts) make its client on first use, so a run loads only the SDKs it
 * uses. Apart from the collectors so that publishing can name Security Hub without depending on them.
 */
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** The configuration every client of an account is made with. */
export interface ServiceConfig {
  readonly region: string;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly endpoint?: string;
  readonly maxAttempts: number;
  readonly retryMode: 'adaptive';
  readonly requestHandler: NodeHttpHandler;
}

/**
 * A service that only some runs call (Security Hub with publishing, Organizations with `--org`, …):
 * the module that calls it names its client class here, so a run loads only the SDKs it uses.
 */
export interface OptionalService<C> {
  /** Calls are counted as `<id>:<Operation>`, as IAM names the actions. */
  readonly id: string;
  readonly Client: new (config: ServiceConfig) => C;
  /** Global services talk to the home region's endpoint. */
  readonly global?: boolean;
}
