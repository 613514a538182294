/**
 * Who may assume a role, for the exposure paths' entry trait: anyone, or every principal of an
 * account, without a condition that could restrict the caller.
 * [principal] https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
import { describe, expect, it } from 'vitest';
import { readsAssumableByMany } from '../../../lambda/policy/role-reach';
import { ACCOUNT, aRole } from '../../support/factories';

const trust = (...statements: unknown[]) => aRole({ Version: '2012-10-17', Statement: statements });
const allow = (principal: unknown, extra: object = {}) => ({
  Effect: 'Allow',
  Principal: principal,
  Action: 'sts:AssumeRole',
  ...extra,
});

describe('Function: readsAssumableByMany', () => {
  it('names anyone for a wildcard principal', () => {
    expect(readsAssumableByMany(trust(allow('*')))).toEqual({ known: true, value: 'anyone' });
    expect(readsAssumableByMany(trust(allow({ AWS: '*' })))).toEqual({ known: true, value: 'anyone' });
  });

  it('names every principal of an account for its root ARN or its bare id [principal]', () => {
    expect(readsAssumableByMany(trust(allow({ AWS: `arn:aws:iam::${ACCOUNT}:root` })))).toEqual({
      known: true,
      value: `every principal of account ${ACCOUNT}`,
    });
    expect(readsAssumableByMany(trust(allow({ AWS: '444455556666' })))).toEqual({
      known: true,
      value: 'every principal of account 444455556666',
    });
  });

  it('finds nobody wide in a trust naming one role or a service', () => {
    expect(readsAssumableByMany(trust(allow({ AWS: `arn:aws:iam::${ACCOUNT}:role/ops` })))).toEqual({
      known: true,
      value: undefined,
    });
    expect(readsAssumableByMany(trust(allow({ Service: 'ec2.amazonaws.com' })))).toEqual({
      known: true,
      value: undefined,
    });
  });

  it('does not count a statement with a condition, which may restrict the caller', () => {
    const mfa = allow('*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } });
    expect(readsAssumableByMany(trust(mfa))).toEqual({ known: true, value: undefined });
  });

  it('does not count an Allow that an unconditional Deny for the same principals takes back', () => {
    const deny = { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' };
    expect(readsAssumableByMany(trust(allow({ AWS: `arn:aws:iam::${ACCOUNT}:root` }), deny))).toEqual({
      known: true,
      value: undefined,
    });
  });

  it('takes back every Allow with a Deny for {"AWS": "*"}, as for "*"', () => {
    const deny = { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' };
    expect(readsAssumableByMany(trust(allow({ AWS: `arn:aws:iam::${ACCOUNT}:root` }), deny))).toEqual({
      known: true,
      value: undefined,
    });
  });

  it('ignores statements about other actions', () => {
    expect(readsAssumableByMany(trust({ ...allow('*'), Action: 'sts:AssumeRoleWithWebIdentity' }))).toEqual({
      known: true,
      value: undefined,
    });
  });

  it('says why it cannot tell for a trust policy that cannot be parsed', () => {
    const result = readsAssumableByMany(aRole('{not json'));
    expect(result.known).toBe(false);
    expect(result.known ? '' : result.reason).toContain('its trust policy cannot be read');
  });
});
