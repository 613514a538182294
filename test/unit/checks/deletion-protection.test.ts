import { describe, expect, it } from 'vitest';
import { deletionProtection } from '../../../lambda/checks/deletion-protection';
import { aCluster, aContext } from '../../support/factories';

describe('Check: deletion-protection', () => {
  it('passes when deletion protection is on', () => {
    expect(deletionProtection.evaluate(aCluster({ deletionProtection: true }), aContext())).toMatchObject({
      status: 'PASSED',
    });
  });

  it('fails LOW when it is off', () => {
    expect(deletionProtection.evaluate(aCluster({ deletionProtection: false }), aContext())).toMatchObject({
      status: 'FAILED',
      severity: 'LOW',
    });
  });

  it('is not available when DescribeCluster returns no setting', () => {
    const { deletionProtection: _, ...withoutSetting } = aCluster();
    const outcome = deletionProtection.evaluate(withoutSetting, aContext());
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('deletionProtection');
  });
});
