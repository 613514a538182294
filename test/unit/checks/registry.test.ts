import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../lambda/checks/registry';

describe('Registry: CHECKS', () => {
  it('has unique ids', () => {
    const ids = CHECKS.map((c) => c.metadata.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('derives checks only from checks of the registry that derive from none', () => {
    const direct = new Set(
      CHECKS.filter((c) => c.metadata.derivedFrom === undefined).map((c) => c.metadata.id),
    );
    for (const check of CHECKS)
      for (const id of check.metadata.derivedFrom ?? []) expect(direct).toContain(id);
  });

  it('holds the published check ids', () => {
    expect(CHECKS.map((c) => c.metadata.id).sort()).toEqual([
      'access-entry-principal-exists',
      'addon-health-and-version',
      'authentication-mode',
      'cluster-admin-access',
      'cluster-exposure',
      'cluster-security-group',
      'control-plane-log-retention',
      'control-plane-logging',
      'deletion-protection',
      'endpoint-public-access',
      'irsa-trust-policy',
      'network-policy-enforcement',
      'nodegroup-instance-metadata',
      'nodegroup-public-subnets',
      'nodegroup-remote-access',
      'oidc-provider-in-use',
      'pod-identity-trust-policy',
      'secrets-encryption',
      'supported-version',
      'threat-detection-coverage',
      'upgrade-insights',
    ]);
  });

  it.each(CHECKS.map((c) => [c.metadata.id, c.metadata] as const))(
    '%s has complete metadata',
    (_, metadata) => {
      expect(metadata.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(metadata.title.length).toBeGreaterThan(10);
      expect(metadata.severityRules.length).toBeGreaterThan(40);
      expect(metadata.remediation.text.length).toBeGreaterThan(20);
      expect(metadata.remediation.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(metadata.references.length).toBeGreaterThan(0);
      for (const url of metadata.references) expect(url).toMatch(/^https:\/\//);
    },
  );

  it.each(CHECKS.map((c) => [c.metadata.id, c.metadata] as const))(
    '%s lists the severities its rules name, worst first',
    (_, metadata) => {
      // The rules are prose ("FAILED HIGH ..., MEDIUM for ..."): every severity word in them after a status.
      const named = new Set(
        [...metadata.severityRules.matchAll(/\b(CRITICAL|HIGH|MEDIUM|LOW)\b/g)].map((m) => m[1]),
      );
      expect(new Set(metadata.severities)).toEqual(named);
      const order = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
      expect([...metadata.severities]).toEqual(order.filter((s) => named.has(s)));
    },
  );
});
