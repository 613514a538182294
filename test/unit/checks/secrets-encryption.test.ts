import { describe, expect, it } from 'vitest';
import { secretsEncryption } from '../../../lambda/checks/secrets-encryption';
import type { KeyState } from '../../../lambda/model/snapshot';
import { aCluster, aContext, KEY_ARN } from '../../support/factories';

const withKey = (state: KeyState) => aContext({ keys: { [KEY_ARN]: state } });

describe('Check: secrets-encryption', () => {
  it('passes when secrets are encrypted with an enabled key', () => {
    expect(secretsEncryption.evaluate(aCluster(), aContext())).toMatchObject({ status: 'PASSED' });
  });

  it.each(['Disabled', 'PendingDeletion', 'PendingReplicaDeletion', 'Unavailable', 'PendingImport'])(
    'fails CRITICAL when the key is %s, because secrets become unreadable',
    (state) => {
      const outcome = secretsEncryption.evaluate(aCluster(), withKey({ known: true, value: state }));
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'CRITICAL' });
      expect(outcome.detail).toContain(state);
    },
  );

  it('keeps the configured status and says why when the key cannot be described', () => {
    const outcome = secretsEncryption.evaluate(
      aCluster(),
      withKey({ known: false, reason: 'kms:DescribeKey failed: AccessDeniedException: not authorized' }),
    );
    expect(outcome).toMatchObject({ status: 'PASSED' });
    expect(outcome.detail).toContain(
      'state is unknown because kms:DescribeKey failed: AccessDeniedException',
    );
  });

  it('fails HIGH without a customer key before Kubernetes 1.28', () => {
    const outcome = secretsEncryption.evaluate(
      aCluster({ version: '1.27', encryptionConfig: [] }),
      aContext(),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
  });

  it('fails LOW without a customer key from 1.28 and says EKS uses an AWS-owned key', () => {
    const { encryptionConfig: _, ...cluster } = aCluster({ version: '1.28' });
    const outcome = secretsEncryption.evaluate(cluster, aContext());
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain('AWS-owned key by default');
  });

  it('does not count a key that encrypts other resources but not secrets', () => {
    const outcome = secretsEncryption.evaluate(
      aCluster({ version: '1.30', encryptionConfig: [{ resources: ['configmaps'], keyArn: KEY_ARN }] }),
      aContext(),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
  });

  it('fails HIGH, the worse case, when the version is unknown or malformed', () => {
    const { version: _, ...noVersion } = aCluster({ encryptionConfig: [] });
    expect(secretsEncryption.evaluate(noVersion, aContext())).toMatchObject({ severity: 'HIGH' });
    expect(
      secretsEncryption.evaluate(aCluster({ version: 'latest', encryptionConfig: [] }), aContext()),
    ).toMatchObject({
      severity: 'HIGH',
    });
  });

  it('is not available when the secrets entry names no key', () => {
    const outcome = secretsEncryption.evaluate(
      aCluster({ encryptionConfig: [{ resources: ['secrets'] }] }),
      aContext(),
    );
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
  });
});
