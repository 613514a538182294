import { compareVersions, parseMinorVersion } from '../kubernetes/minor-version';
import { failed, notAvailable, type Outcome, passed } from '../model/result';
import { type ClusterSnapshot, secretsEncryptionOf } from '../model/snapshot';
import type { CheckContext, ClusterCheck } from './types';

/** Key states in which EKS cannot decrypt secrets. https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html */
const UNUSABLE_STATES = new Set([
  'Disabled',
  'PendingDeletion',
  'PendingReplicaDeletion',
  'PendingImport',
  'Unavailable',
]);
const DEFAULT_ENCRYPTION_VERSION = { major: 1, minor: 28 };

export const secretsEncryption: ClusterCheck = {
  metadata: {
    id: 'secrets-encryption',
    title: 'Kubernetes secrets are envelope-encrypted with a usable customer-managed KMS key',
    resourceType: 'AwsEksCluster',
    severities: ['CRITICAL', 'HIGH', 'LOW'],
    severityRules:
      'PASSED when encryptionConfig covers "secrets" with a KMS key that is Enabled. FAILED CRITICAL when that key is disabled, pending deletion or otherwise unusable (secrets become unreadable). With no customer key: FAILED HIGH before Kubernetes 1.28, FAILED LOW from 1.28 (EKS then encrypts with an AWS-owned key by default). A key that cannot be described keeps the status of the configuration, with the reason in the detail.',
    remediation: {
      text: 'Associate a customer-managed KMS key with the cluster for secrets: aws eks associate-encryption-config --cluster-name <cluster> --encryption-config resources=secrets,provider={keyArn=<key-arn>}. Keep the key enabled: it cannot be removed once associated.',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html',
    },
    references: [
      'https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html',
      'https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html',
    ],
  },
  evaluate(cluster, context) {
    const entry = secretsEncryptionOf(cluster);
    if (entry === undefined) return noCustomerKey(cluster);
    if (entry.keyArn === undefined)
      return notAvailable('encryptionConfig covers secrets but names no KMS key');
    return keyOutcome(entry.keyArn, context);
  },
};

function keyOutcome(keyArn: string, context: CheckContext): Outcome {
  const key = context.keyState(keyArn);
  if (key === undefined || !key.known) {
    const why = key === undefined ? 'it was not read' : key.reason;
    return passed(`Secrets are encrypted with ${keyArn}; its state is unknown because ${why}.`);
  }
  if (key.value === 'Enabled') return passed(`Secrets are encrypted with ${keyArn}, which is enabled.`);
  if (UNUSABLE_STATES.has(key.value)) {
    return failed(
      'CRITICAL',
      `The secrets key ${keyArn} is ${key.value}: the cluster cannot decrypt its secrets and becomes unusable.`,
    );
  }
  return notAvailable(`The secrets key ${keyArn} is in state ${key.value}; its usability cannot be judged.`);
}

function noCustomerKey(cluster: ClusterSnapshot): Outcome {
  const version = cluster.version === undefined ? undefined : parseMinorVersion(cluster.version);
  if (version !== undefined && compareVersions(version, DEFAULT_ENCRYPTION_VERSION) >= 0) {
    return failed(
      'LOW',
      `No customer-managed KMS key encrypts secrets. On Kubernetes ${cluster.version} EKS encrypts all API data with an AWS-owned key by default, but you cannot control, audit or revoke that key.`,
    );
  }
  const shown =
    cluster.version === undefined ? 'an unknown Kubernetes version' : `Kubernetes ${cluster.version}`;
  return failed(
    'HIGH',
    `No customer-managed KMS key encrypts secrets, and ${shown} has no default envelope encryption (it began with 1.28): secrets are stored in etcd without envelope encryption.`,
  );
}
