import { describe, expect, it } from 'vitest';
import { authenticationMode } from '../../../lambda/checks/authentication-mode';
import { aCluster, aContext } from '../../support/factories';

describe('Check: authentication-mode', () => {
  it.each(['API', 'API_AND_CONFIG_MAP'])('passes %s', (mode) => {
    expect(authenticationMode.evaluate(aCluster({ authenticationMode: mode }), aContext())).toMatchObject({
      status: 'PASSED',
    });
  });

  it('fails LOW on CONFIG_MAP only, naming the deprecated aws-auth ConfigMap', () => {
    const outcome = authenticationMode.evaluate(aCluster({ authenticationMode: 'CONFIG_MAP' }), aContext());
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain('aws-auth ConfigMap');
  });

  it('fails MEDIUM on CONFIG_MAP when the creator was made an administrator that appears nowhere', () => {
    const outcome = authenticationMode.evaluate(
      aCluster({ authenticationMode: 'CONFIG_MAP', bootstrapCreatorAdmin: true }),
      aContext(),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain('bootstrapClusterCreatorAdminPermissions');
    // In API modes the bootstrap administrator is an access entry, judged by cluster-admin-access.
    expect(
      authenticationMode.evaluate(
        aCluster({ authenticationMode: 'API', bootstrapCreatorAdmin: true }),
        aContext(),
      ),
    ).toMatchObject({ status: 'PASSED' });
    expect(
      authenticationMode.evaluate(
        aCluster({ authenticationMode: 'CONFIG_MAP', bootstrapCreatorAdmin: false }),
        aContext(),
      ),
    ).toMatchObject({ status: 'FAILED', severity: 'LOW' });
  });

  it('is not available without an access configuration, or with a mode EKS does not document', () => {
    const { authenticationMode: _, ...withoutAccessConfig } = aCluster();
    expect(authenticationMode.evaluate(withoutAccessConfig, aContext())).toMatchObject({
      status: 'NOT_AVAILABLE',
    });
    expect(authenticationMode.evaluate(aCluster({ authenticationMode: 'api' }), aContext())).toMatchObject({
      status: 'NOT_AVAILABLE',
    });
  });
});
