import { describe, expect, it } from 'vitest';
import { buildCheckContext } from '../../../lambda/checks/context';
import type { ScanSnapshot } from '../../../lambda/model/snapshot';
import {
  ACCOUNT,
  aCluster,
  anUndescribedCluster,
  aScan,
  DEFAULT_CONFIG,
  ISSUER,
  NETWORK,
  NOW,
  PROVIDER_ARN,
  REGION,
} from '../../support/factories';

const OTHER_ACCOUNT = '444455556666';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
const build = (snapshot: ScanSnapshot) =>
  buildCheckContext(snapshot, { config: DEFAULT_CONFIG, now: NOW, homeRegion: 'ap-south-1' });

describe('Function: buildCheckContext', () => {
  it('finds the clusters of an issuer whatever the case, as IAM compares issuers, in sorted order', () => {
    const upper = `https://${ISSUER.toUpperCase().replace('HTTPS://', '')}`;
    const snapshot = aScan({
      clusters: [
        aCluster({ name: 'zeta', arn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/zeta`, oidcIssuer: upper }),
        aCluster({ name: 'alpha', arn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/alpha` }),
      ],
    });
    const context = build(snapshot);

    expect(context.clustersWithIssuer(ISSUER.toUpperCase())).toEqual([
      `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/alpha`,
      `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/zeta`,
    ]);
    expect(context.clustersWithIssuer('oidc.eks.eu-west-1.amazonaws.com/id/OTHER')).toEqual([]);
  });

  it('knows registered providers without regard to the case of their URL, but with regard to their account', () => {
    const context = build(aScan({}));

    expect(
      context.isRegisteredProvider(
        PROVIDER_ARN.replace(/id\/(.*)$/, (_, id: string) => `id/${id.toLowerCase()}`),
      ),
    ).toBe(true);
    expect(context.isRegisteredProvider(PROVIDER_ARN.replace(ACCOUNT, OTHER_ACCOUNT))).toBe(false);
    expect(context.providersOf(ACCOUNT)).toEqual([PROVIDER_ARN]);
    expect(context.providersOf(OTHER_ACCOUNT)).toEqual([]);
  });

  it("gives each account its home region, and the scan's for an account it holds no snapshot of", () => {
    const context = build(aScan({}));
    expect(context.homeRegion(ACCOUNT)).toBe('us-east-1');
    expect(context.homeRegion(OTHER_ACCOUNT)).toBe('ap-south-1');
  });

  it('gives the network and key states of the account region that read them, and nothing for another', () => {
    const context = build(aScan({}));
    expect(context.network(ACCOUNT, REGION)).toBe(NETWORK);
    expect(context.network(OTHER_ACCOUNT, REGION)).toBeUndefined();
    expect(context.network(ACCOUNT, 'us-west-2')).toBeUndefined();
  });

  it("lists a role's Pod Identity associations, and the clusters of its account whose associations are unknown", () => {
    const association = {
      clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod`,
      namespace: 'shop',
      serviceAccount: 'api',
      associationArn: 'arn:aws:eks:eu-west-1:111122223333:podidentityassociation/prod/a-1',
      roleArn: ROLE,
    };
    const other = {
      ...association,
      associationArn: `${association.associationArn}2`,
      roleArn: `${ROLE}-other`,
    };
    const denied = aCluster({
      name: 'denied',
      arn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/denied`,
      podIdentityAssociations: { known: false, reason: 'AccessDeniedException' },
    });
    const elsewhere = aCluster({
      name: 'far',
      arn: `arn:aws:eks:${REGION}:${OTHER_ACCOUNT}:cluster/far`,
      accountId: OTHER_ACCOUNT,
      podIdentityAssociations: { known: false, reason: 'throttled' },
    });
    const snapshot = aScan({
      clusters: [
        aCluster({ podIdentityAssociations: { known: true, value: [association, other] } }),
        denied,
        elsewhere,
        anUndescribedCluster('gone', 'ResourceNotFoundException'),
      ],
    });

    expect(build(snapshot).podIdentityUse(ROLE)).toEqual({
      associations: [association],
      unknown: [
        { clusterArn: denied.arn, reason: 'AccessDeniedException' },
        {
          clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/gone`,
          reason: 'the cluster could not be described',
        },
      ],
    });
  });
});
