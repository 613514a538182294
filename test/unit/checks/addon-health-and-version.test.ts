import { describe, expect, it } from 'vitest';
import { addonHealthAndVersion } from '../../../lambda/checks/addon-health-and-version';
import type { AddonOffer, AddonSnapshot } from '../../../lambda/model/snapshot';
import { ACCOUNT, aContext, REGION } from '../../support/factories';

const DEFAULT = 'v1.19.2-eksbuild.1';
const OFFER: AddonOffer = {
  kubernetesVersion: '1.35',
  compatibleVersions: ['v1.20.1-eksbuild.1', 'v1.19.2-eksbuild.5', DEFAULT, 'v1.18.6-eksbuild.1'],
  defaultVersion: DEFAULT,
};

/** A healthy vpc-cni add-on at the default version of the offer, unless told otherwise. */
function anAddon(overrides: Partial<AddonSnapshot> = {}): AddonSnapshot {
  return {
    accountId: ACCOUNT,
    region: REGION,
    clusterName: 'prod',
    clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod`,
    name: 'vpc-cni',
    arn: `arn:aws:eks:${REGION}:${ACCOUNT}:addon/prod/vpc-cni/a2c9d1e0-1b2c-3d4e-5f60-718293a4b5c6`,
    version: DEFAULT,
    status: 'ACTIVE',
    healthIssues: [],
    offer: { known: true, value: OFFER },
    ...overrides,
  };
}

function withoutVersion(addon: AddonSnapshot): AddonSnapshot {
  const { version: _, ...rest } = addon;
  return rest;
}

function withoutStatus(addon: AddonSnapshot): AddonSnapshot {
  const { status: _, ...rest } = addon;
  return rest;
}

function offering(offer: Partial<AddonOffer>): Pick<AddonSnapshot, 'offer'> {
  return { offer: { known: true, value: { ...OFFER, ...offer } } };
}

const evaluate = (addon: AddonSnapshot) => addonHealthAndVersion.evaluate(addon, aContext());

const REPLICAS = {
  code: 'InsufficientNumberOfReplicas',
  message: 'The add-on is unhealthy because it does not have the desired number of replicas.',
  resourceIds: ['kube-system/coredns-b', 'kube-system/coredns-a'],
};

describe('Check: addon-health-and-version', () => {
  it('passes an ACTIVE add-on with no health issues at the default version', () => {
    const outcome = evaluate(anAddon());
    expect(outcome).toMatchObject({ status: 'PASSED', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain('vpc-cni');
    expect(outcome.detail).toContain(DEFAULT);
    expect(outcome.detail).toContain('Kubernetes 1.35');
    expect(outcome.detail).toMatch(/\.$/);
  });

  it('passes a compatible version newer than the default, by eksbuild or by patch', () => {
    expect(evaluate(anAddon({ version: 'v1.19.2-eksbuild.5' }))).toMatchObject({ status: 'PASSED' });
    expect(evaluate(anAddon({ version: 'v1.20.1-eksbuild.1' }))).toMatchObject({ status: 'PASSED' });
  });

  it('fails HIGH on a version EKS does not list as compatible, naming both versions and Kubernetes', () => {
    const outcome = evaluate(anAddon({ version: 'v1.12.0-eksbuild.2' }));
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain('v1.12.0-eksbuild.2');
    expect(outcome.detail).toContain('Kubernetes 1.35');
    expect(outcome.detail).toContain(`default version is ${DEFAULT}`);
  });

  it('fails HIGH on an incompatible version even when EKS names no default, and says so', () => {
    const { defaultVersion: _, ...noDefault } = OFFER;
    const outcome = evaluate(
      anAddon({ version: 'v1.12.0-eksbuild.2', offer: { known: true, value: noDefault } }),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain('EKS names no default version');
  });

  it('fails LOW on a compatible version older than the default, naming both', () => {
    const outcome = evaluate(anAddon({ version: 'v1.18.6-eksbuild.1' }));
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain('v1.18.6-eksbuild.1');
    expect(outcome.detail).toContain(`older than the default version ${DEFAULT}`);
  });

  it('orders by eksbuild number when the rest is equal', () => {
    const outcome = evaluate(
      anAddon({ version: 'v1.19.2-eksbuild.1', ...offering({ defaultVersion: 'v1.19.2-eksbuild.5' }) }),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
  });

  it.each(['DEGRADED', 'CREATE_FAILED', 'UPDATE_FAILED', 'DELETE_FAILED'])(
    'fails MEDIUM when the status is %s, naming it',
    (status) => {
      const outcome = evaluate(anAddon({ status }));
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome.detail).toContain(status);
    },
  );

  it('fails MEDIUM on health issues, listing each with its code, message and resource ids, sorted', () => {
    const outcome = evaluate(
      anAddon({
        status: 'DEGRADED',
        healthIssues: [
          { code: 'ConfigurationConflict', message: 'Conflicts found.', resourceIds: [] },
          REPLICAS,
        ],
      }),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain('DEGRADED');
    expect(outcome.detail).toContain(
      'ConfigurationConflict: Conflicts found; InsufficientNumberOfReplicas: The add-on is unhealthy because it does not have the desired number of replicas (resources kube-system/coredns-a, kube-system/coredns-b).',
    );
  });

  it('fails MEDIUM on health issues while the status is still ACTIVE', () => {
    const outcome = evaluate(anAddon({ healthIssues: [REPLICAS] }));
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain('InsufficientNumberOfReplicas');
    expect(outcome.detail).toContain('ACTIVE');
  });

  it('names at most three resource ids per issue, and how many more there are', () => {
    const outcome = evaluate(
      anAddon({ healthIssues: [{ ...REPLICAS, resourceIds: ['e', 'd', 'c', 'b', 'a'] }] }),
    );
    expect(outcome.detail).toContain('(resources a, b, c and 2 more)');
    expect(outcome.detail).not.toContain('d,');
  });

  it('names an issue without code or message as such', () => {
    const outcome = evaluate(anAddon({ healthIssues: [{ resourceIds: [] }] }));
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain('no code: no message');
  });

  it('lets HIGH win over health and names both problems', () => {
    const outcome = evaluate(
      anAddon({ version: 'v1.12.0-eksbuild.2', status: 'DEGRADED', healthIssues: [REPLICAS] }),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain('not a version EKS lists as compatible');
    expect(outcome.detail).toContain('DEGRADED');
    expect(outcome.detail).toContain('InsufficientNumberOfReplicas');
  });

  it('lets MEDIUM health win over an old version and names both problems', () => {
    const outcome = evaluate(anAddon({ version: 'v1.18.6-eksbuild.1', status: 'DEGRADED' }));
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain('DEGRADED');
    expect(outcome.detail).toContain(`older than the default version ${DEFAULT}`);
  });

  it.each(['CREATING', 'UPDATING', 'DELETING'])('is not available while the add-on is %s', (status) => {
    const outcome = evaluate(anAddon({ status, version: 'v1.12.0-eksbuild.2', healthIssues: [REPLICAS] }));
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain(status);
    expect(outcome.detail).toContain('next run');
  });

  it('is not available without a version', () => {
    const outcome = evaluate(withoutVersion(anAddon()));
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('no version');
  });

  it('is not available when the offer is unknown, giving the reason', () => {
    const outcome = evaluate(
      anAddon({
        offer: { known: false, reason: 'DescribeAddonVersions was throttled (ThrottlingException)' },
      }),
    );
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('DescribeAddonVersions was throttled (ThrottlingException).');
  });

  it('is not available when EKS offers no version at all, rather than failing every version', () => {
    const outcome = evaluate(anAddon(offering({ compatibleVersions: [] })));
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('lists no version');
  });

  it('still reports known health failures when the version cannot be judged, saying what was not', () => {
    const outcome = evaluate(
      anAddon({ status: 'DEGRADED', offer: { known: false, reason: 'AccessDeniedException' } }),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain('Not judged:');
    expect(outcome.detail).toContain('AccessDeniedException');
  });

  it('passes a compatible healthy add-on when EKS names no default version, noting it', () => {
    const { defaultVersion: _, ...noDefault } = OFFER;
    const outcome = evaluate(
      anAddon({ version: 'v1.18.6-eksbuild.1', offer: { known: true, value: noDefault } }),
    );
    expect(outcome).toMatchObject({ status: 'PASSED' });
    expect(outcome.detail).toContain('EKS names no default version');
    expect(outcome.detail).toContain('only compatibility was judged');
  });

  it('is not available for the default rule when the order cannot be told, saying so', () => {
    const odd = 'v1.19.2-rc.1';
    const outcome = evaluate(anAddon({ version: odd, ...offering({ compatibleVersions: [odd, DEFAULT] }) }));
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain(odd);
    expect(outcome.detail).toContain('cannot be told');
  });

  it('keeps a health failure when the order against the default cannot be told', () => {
    const odd = 'v1.19.2-rc.1';
    const outcome = evaluate(
      anAddon({ version: odd, status: 'DEGRADED', ...offering({ compatibleVersions: [odd] }) }),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain('cannot be told');
  });

  it('never passes without a status, or with a status EKS does not document', () => {
    const unstatused = evaluate(withoutStatus(anAddon()));
    expect(unstatused).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(unstatused.detail).toContain('no status');
    const odd = evaluate(anAddon({ status: 'active' }));
    expect(odd).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(odd.detail).toContain("'active'");
  });

  it('still fails HIGH on an incompatible version when the status is missing', () => {
    const outcome = evaluate(withoutStatus(anAddon({ version: 'v1.12.0-eksbuild.2' })));
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain('no status');
  });

  it('fails MEDIUM on health issues when the status is missing', () => {
    expect(evaluate(withoutStatus(anAddon({ healthIssues: [REPLICAS] })))).toMatchObject({
      status: 'FAILED',
      severity: 'MEDIUM',
    });
  });

  it('gives the remediation command and documentation', () => {
    const { remediation, references, severities } = addonHealthAndVersion.metadata;
    expect(remediation.text).toContain(
      'aws eks update-addon --cluster-name <cluster> --addon-name <addon> --addon-version <default version>',
    );
    expect(remediation.url).toBe('https://docs.aws.amazon.com/eks/latest/userguide/updating-an-add-on.html');
    expect(references).toContain('https://docs.aws.amazon.com/eks/latest/userguide/eks-add-ons.html');
    expect(references).toContain(
      'https://docs.aws.amazon.com/eks/latest/best-practices/cluster-upgrades.html',
    );
    expect(severities).toEqual(['HIGH', 'MEDIUM', 'LOW']);
  });
});
