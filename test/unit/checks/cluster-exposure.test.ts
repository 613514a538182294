/**
 * Specification of cluster-exposure: traits come from the other checks' verdicts on the same
 * snapshots, so every case runs the whole registry the way the scan does and reads the exposure
 * result of one cluster.
 */
import { describe, expect, it } from 'vitest';
import { EXPOSURE_PATHS } from '../../../lambda/checks/cluster-exposure';
import { runChecks } from '../../../lambda/checks/engine';
import { CHECKS } from '../../../lambda/checks/registry';
import type { CheckResult } from '../../../lambda/model/result';
import type {
  ClusterSnapshot,
  ListedCluster,
  NodegroupSnapshot,
  RoleSnapshot,
  ScanSnapshot,
} from '../../../lambda/model/snapshot';
import {
  ACCOUNT,
  aCluster,
  allowing,
  aNodegroup,
  anUndescribedCluster,
  aRole,
  aScan,
  contextOf,
  ISSUER,
  irsaTrustFor,
  REGION,
  withPermissions,
} from '../../support/factories';

const ADMIN = withPermissions(irsaRole('ci-admin', 'system:serviceaccount:*'), { admin: allowing('*') });
const READER = withPermissions(irsaRole('reader', 'system:serviceaccount:*'), {
  read: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::one' }],
  },
});
const EXACT_ADMIN = withPermissions(
  irsaRole('exact-admin', 'system:serviceaccount:ci:deployer', 'StringEquals'),
  {
    admin: allowing('*'),
  },
);
const UNREAD = irsaRole('unread', 'system:serviceaccount:*');

const PUBLIC = {
  endpointAccess: { publicAccess: true, privateAccess: true, publicAccessCidrs: ['0.0.0.0/0'] },
};

function irsaRole(
  name: string,
  subject: string,
  operator: 'StringEquals' | 'StringLike' = 'StringLike',
): RoleSnapshot {
  return aRole(irsaTrustFor(subject, operator), name);
}

/** The scan with a subnet `subnet-0public` that maps public IPs, in every region. */
function withPublicSubnet(scan: ScanSnapshot): ScanSnapshot {
  const region = scan.accounts[0]?.regions[0];
  if (!region?.network.subnets.known) throw new Error('no network');
  const network = {
    ...region.network,
    subnets: {
      known: true as const,
      value: [...region.network.subnets.value, { id: 'subnet-0public', mapPublicIpOnLaunch: true }],
    },
  };
  return {
    ...scan,
    accounts: scan.accounts.map((a) => ({ ...a, regions: a.regions.map((r) => ({ ...r, network })) })),
  };
}

function exposure(cluster: ClusterSnapshot | ListedCluster, roles: RoleSnapshot[] = []): CheckResult {
  const scan = aScan({ clusters: [cluster], roles });
  const results = runChecks(CHECKS, scan, contextOf(scan));
  const result = results.find((r) => r.checkId === 'cluster-exposure');
  if (!result) throw new Error('no cluster-exposure result');
  return result;
}

describe('Check: cluster-exposure', () => {
  describe('PASSED when no combination of traits leads anywhere', () => {
    it('passes a private cluster in API mode with no powerful workload role', () => {
      const result = exposure(aCluster(), [READER]);

      expect(result.status).toBe('PASSED');
      expect(result.detail).toContain('reach: none');
    });

    it('passes a public endpoint alone: reach without entry, escalation or weakness is no path', () => {
      const result = exposure(aCluster(PUBLIC), [READER]);

      expect(result.status).toBe('PASSED');
      expect(result.detail).toContain('reach: public endpoint (0.0.0.0/0)');
    });

    it('passes aws-auth only and an unsupported version when nothing reaches the cluster', () => {
      const result = exposure(aCluster({ authenticationMode: 'CONFIG_MAP', version: '1.29' }));

      expect(result.status).toBe('PASSED');
      expect(result.detail).toContain('entry: aws-auth only (CONFIG_MAP)');
      expect(result.detail).toContain('weakness: unsupported version 1.29');
    });

    it('does not count an administrator role that only named service accounts can assume', () => {
      expect(exposure(aCluster(PUBLIC), [EXACT_ADMIN]).status).toBe('PASSED');
    });

    it('does not count a public endpoint restricted to a small range', () => {
      const cluster = aCluster({
        endpointAccess: { publicAccess: true, privateAccess: true, publicAccessCidrs: ['203.0.113.0/24'] },
        authenticationMode: 'CONFIG_MAP',
      });

      expect(exposure(cluster).status).toBe('PASSED');
    });
  });

  describe('FAILED with the worst proven path', () => {
    it('reach + escalation is CRITICAL, told as a chain, with the findings each trait came from', () => {
      const result = exposure(aCluster({ ...PUBLIC, authenticationMode: 'CONFIG_MAP' }), [ADMIN]);

      expect(result.status).toBe('FAILED');
      expect(result.severity).toBe('CRITICAL');
      expect(result.detail).toContain(
        'internet → public endpoint (0.0.0.0/0) → aws-auth only (CONFIG_MAP) → role ci-admin (any service account) → administrator-equivalent',
      );
      expect(result.related?.map((r) => r.checkId).sort()).toEqual([
        'authentication-mode',
        'endpoint-public-access',
        'irsa-trust-policy',
      ]);
      expect(result.related?.find((r) => r.checkId === 'irsa-trust-policy')).toMatchObject({
        resource: { type: 'AwsIamRole', id: ADMIN.arn },
        // IRSA results name the issuer as IAM compares it, in lower case.
        oidcIssuer: ISSUER.toLowerCase(),
      });
    });

    it('escalation alone is HIGH: a pod of the cluster becomes an administrator', () => {
      const result = exposure(aCluster(), [ADMIN]);

      expect(result.severity).toBe('HIGH');
      expect(result.detail).toContain(
        'a pod of the cluster → role ci-admin (any service account) → administrator-equivalent',
      );
    });

    it('reach + entry is HIGH, and CRITICAL with a weakness', () => {
      expect(exposure(aCluster({ ...PUBLIC, authenticationMode: 'CONFIG_MAP' })).severity).toBe('HIGH');
      const weak = aCluster({
        ...PUBLIC,
        authenticationMode: 'CONFIG_MAP',
        logging: [{ types: ['api', 'authenticator'], enabled: true }],
      });

      const result = exposure(weak);
      expect(result.severity).toBe('CRITICAL');
      expect(result.detail).toContain('audit log off');
      expect(result.related?.map((r) => r.checkId)).toContain('control-plane-logging');
    });

    it('reach + weakness is MEDIUM', () => {
      const result = exposure(aCluster({ ...PUBLIC, version: '1.29' }));

      expect(result.severity).toBe('MEDIUM');
      expect(result.detail).toContain('internet → public endpoint (0.0.0.0/0) → unsupported version 1.29');
    });

    it('counts a public range of /8 or wider as reach', () => {
      const cluster = aCluster({
        endpointAccess: {
          publicAccess: true,
          privateAccess: true,
          publicAccessCidrs: ['10.0.0.0/8', '203.0.113.0/24'],
        },
        version: '1.29',
      });

      const result = exposure(cluster);
      expect(result.severity).toBe('MEDIUM');
      expect(result.detail).toContain('public endpoint (10.0.0.0/8)');
    });

    it('counts a cluster administrator held by an IAM user as entry', () => {
      const user = `arn:aws:iam::${ACCOUNT}:user/alice`;
      const cluster = aCluster({
        ...PUBLIC,
        accessEntries: {
          known: true,
          value: [
            {
              principalArn: user,
              policies: [
                {
                  policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
                  scope: 'cluster',
                  namespaces: [],
                },
              ],
            },
          ],
        },
      });

      const result = exposure(cluster);
      expect(result.severity).toBe('HIGH');
      expect(result.detail).toContain('cluster-admin held by IAM user alice');
    });

    it('counts a cluster administrator role every principal of the account may assume as entry', () => {
      const broad = aRole(
        {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' },
          ],
        },
        'ops-admin',
      );
      const cluster = aCluster({
        ...PUBLIC,
        accessEntries: {
          known: true,
          value: [
            {
              principalArn: broad.arn,
              policies: [
                {
                  policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
                  scope: 'cluster',
                  namespaces: [],
                },
              ],
            },
          ],
        },
      });

      const result = exposure(cluster, [broad]);
      expect(result.severity).toBe('HIGH');
      expect(result.detail).toContain(
        `cluster-admin role ops-admin assumable by every principal of account ${ACCOUNT}`,
      );
    });

    it('counts nodes in a public subnet with SSH open to the internet as reach', () => {
      const nodegroup: NodegroupSnapshot = aNodegroup({
        subnets: ['subnet-0public'],
        remoteAccess: { ec2SshKey: 'ops', sourceSecurityGroups: [] },
      });
      const cluster = aCluster({
        version: '1.29',
        nodegroups: {
          known: true,
          value: [{ name: nodegroup.name, description: { known: true, value: nodegroup } }],
        },
      });
      const withNetwork = withPublicSubnet(aScan({ clusters: [cluster] }));

      const result = runChecks(CHECKS, withNetwork, contextOf(withNetwork)).find(
        (r) => r.checkId === 'cluster-exposure',
      );
      expect(result?.severity).toBe('MEDIUM');
      expect(result?.detail).toContain('nodes of workers (public subnet, SSH/RDP open to the internet)');
      expect(result?.related?.map((r) => r.checkId).sort()).toEqual([
        'nodegroup-public-subnets',
        'nodegroup-remote-access',
        'supported-version',
      ]);
    });
  });

  it('keeps a related finding of every trait within the ten Security Hub takes', () => {
    const nodegroups = Array.from({ length: 12 }, (_, i) =>
      aNodegroup({
        name: `workers-${i}`,
        subnets: ['subnet-0public'],
        remoteAccess: { ec2SshKey: 'ops', sourceSecurityGroups: [] },
      }),
    );
    const cluster = aCluster({
      nodegroups: {
        known: true,
        value: nodegroups.map((n) => ({ name: n.name, description: { known: true, value: n } })),
      },
    });
    const scan = withPublicSubnet(aScan({ clusters: [cluster], roles: [ADMIN] }));

    const result = runChecks(CHECKS, scan, contextOf(scan)).find((r) => r.checkId === 'cluster-exposure');
    expect(result?.severity).toBe('CRITICAL');
    expect(result?.related?.slice(0, 10).map((r) => r.checkId)).toContain('irsa-trust-policy');
  });

  describe('NOT_AVAILABLE only when an unknown trait could complete a path', () => {
    it('is NOT_AVAILABLE when a wide-trust role has unknown permissions and nothing else is proven', () => {
      const result = exposure(aCluster(), [UNREAD]);

      expect(result.status).toBe('NOT_AVAILABLE');
      expect(result.detail).toContain('the permissions of unread');
    });

    it('reports a path proven with what is known even when another trait is unknown', () => {
      const result = exposure(aCluster({ ...PUBLIC, authenticationMode: 'CONFIG_MAP' }), [UNREAD]);

      expect(result.status).toBe('FAILED');
      expect(result.severity).toBe('HIGH');
      expect(result.detail).toContain('escalation: unknown (the permissions of unread');
    });

    it('passes when the unknown trait could complete no path', () => {
      // Without reach, entry and weakness lead nowhere, whatever the unknown administrators are.
      const cluster = aCluster({ accessEntries: { known: false, reason: 'AccessDeniedException' } });

      expect(exposure(cluster).status).toBe('PASSED');
    });

    it('is NOT_AVAILABLE when reach is proven and the administrators could not be read', () => {
      const cluster = aCluster({
        ...PUBLIC,
        accessEntries: { known: false, reason: 'AccessDeniedException' },
      });

      const result = exposure(cluster);
      expect(result.status).toBe('NOT_AVAILABLE');
      expect(result.detail).toContain('the cluster administrators could not be read');
    });

    it('is NOT_AVAILABLE when a node group could not be described and a weakness is proven', () => {
      // The unsupported version completes reach + weakness if the nodes turn out reachable.
      const cluster = aCluster({
        version: '1.29',
        nodegroups: {
          known: true,
          value: [{ name: 'workers', description: { known: false, reason: 'AccessDeniedException' } }],
        },
      });

      const result = exposure(cluster);
      expect(result.status).toBe('NOT_AVAILABLE');
      expect(result.detail).toContain('the nodes of workers (whether its subnets are public');
    });

    it('does not doubt nodes in private subnets, whatever their SSH access', () => {
      const nodegroup = aNodegroup({ remoteAccess: { ec2SshKey: 'ops', sourceSecurityGroups: [] } });
      const cluster = aCluster({
        version: '1.29',
        nodegroups: {
          known: true,
          value: [{ name: nodegroup.name, description: { known: true, value: nodegroup } }],
        },
      });

      expect(exposure(cluster).status).toBe('PASSED');
    });

    it("is NOT_AVAILABLE when another scanned account's IAM data is missing: its roles may trust the cluster", () => {
      const other = '444455556666';
      const scan = aScan({
        clusters: [
          aCluster(),
          aCluster({ accountId: other, arn: `arn:aws:eks:${REGION}:${other}:cluster/dev` }),
        ],
      });
      const broken = {
        ...scan,
        accounts: scan.accounts.map((a) => {
          if (a.accountId !== other) return a;
          const { identity: _unread, ...rest } = a;
          return rest;
        }),
      };

      const result = runChecks(CHECKS, broken, contextOf(broken)).find(
        (r) => r.checkId === 'cluster-exposure' && r.accountId === ACCOUNT,
      );
      expect(result?.status).toBe('NOT_AVAILABLE');
      expect(result?.detail).toContain(`the roles of account ${other}, whose IAM data could not be read`);
    });

    it('doubts a cluster administrator role of an account the scan does not cover, and passes a deleted one', () => {
      const adminEntry = (principalArn: string) => ({
        principalArn,
        policies: [
          {
            policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
            scope: 'cluster' as const,
            namespaces: [],
          },
        ],
      });
      const withAdmin = (principalArn: string) =>
        exposure(aCluster({ ...PUBLIC, accessEntries: { known: true, value: [adminEntry(principalArn)] } }));

      const external = withAdmin('arn:aws:iam::999988887777:role/vendor-admin');
      expect(external.status).toBe('NOT_AVAILABLE');
      expect(external.detail).toContain('who may assume vendor-admin (account 999988887777 is not scanned)');
      // A role of the scanned account that no longer exists: the entry grants nobody anything.
      expect(withAdmin(`arn:aws:iam::${ACCOUNT}:role/deleted-admin`).status).toBe('PASSED');
    });

    it('gives NOT_AVAILABLE with the reason for a cluster that could not be described', () => {
      const result = exposure(anUndescribedCluster('gone', 'ResourceNotFoundException'));

      expect(result.status).toBe('NOT_AVAILABLE');
      expect(result.detail).toContain('ResourceNotFoundException');
    });
  });

  it('runs its inputs even when only it is chosen, and reports only itself', () => {
    const scan = aScan({ clusters: [aCluster(PUBLIC)], roles: [ADMIN] });
    const only = CHECKS.filter((c) => c.metadata.id === 'cluster-exposure');

    const results = runChecks(only, scan, contextOf(scan), CHECKS);
    expect(results.map((r) => r.checkId)).toEqual(['cluster-exposure']);
    expect(results[0]?.severity).toBe('CRITICAL');
  });

  it('documents every path with a severity, worst first', () => {
    const ranks = EXPOSURE_PATHS.map((p) => ['MEDIUM', 'HIGH', 'CRITICAL'].indexOf(p.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
  });
});
