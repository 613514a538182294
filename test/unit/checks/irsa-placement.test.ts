import { describe, expect, it } from 'vitest';
import { irsaTrustPolicy } from '../../../lambda/checks/irsa-trust-policy';
import { ACCOUNT, aContext, aRole } from '../../support/factories';

const issuer = (region: string) => `oidc.eks.${region}.amazonaws.com/id/A1B2C3D4E5F60718293A4B5C6D7E8F90`;
const provider = (region: string) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer(region)}`;
const statement = (region: string, restricted: boolean) => ({
  Effect: 'Allow',
  Principal: { Federated: provider(region) },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: {
    StringEquals: {
      [`${issuer(region)}:aud`]: 'sts.amazonaws.com',
      ...(restricted ? { [`${issuer(region)}:sub`]: 'system:serviceaccount:a:b' } : {}),
    },
  },
});

describe('Check: irsa-trust-policy placement', () => {
  it('keeps a role in one region whichever statement is worst, so a fix never moves its finding', () => {
    const context = aContext({ providers: [provider('us-east-1'), provider('eu-west-1')] });
    const before = irsaTrustPolicy.evaluate(
      aRole({
        Version: '2012-10-17',
        Statement: [statement('us-east-1', true), statement('eu-west-1', false)],
      }),
      context,
    );
    const fixed = irsaTrustPolicy.evaluate(
      aRole({
        Version: '2012-10-17',
        Statement: [statement('eu-west-1', true), statement('us-east-1', true)],
      }),
      context,
    );

    expect(before).toMatchObject({ status: 'FAILED', severity: 'CRITICAL', region: 'eu-west-1' });
    expect(fixed).toMatchObject({ status: 'PASSED', region: 'eu-west-1' });
  });
});
