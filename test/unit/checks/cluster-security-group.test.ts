import { describe, expect, it } from 'vitest';
import { clusterSecurityGroup } from '../../../lambda/checks/cluster-security-group';
import type {
  ClusterSnapshot,
  IngressRule,
  NetworkSnapshot,
  SecurityGroupInfo,
} from '../../../lambda/model/snapshot';
import { aCluster, aContext, CLUSTER_SG, NETWORK } from '../../support/factories';

const EXTRA_SG = 'sg-0e1d2c3b4a5968778';

const withGroups = (items: SecurityGroupInfo[]): NetworkSnapshot => ({
  ...NETWORK,
  securityGroups: { known: true, value: items },
});

const clusterGroup = (...ingress: IngressRule[]): SecurityGroupInfo => ({
  id: CLUSTER_SG,
  name: 'eks-cluster-sg-prod',
  ingress,
});

const evaluate = (network: NetworkSnapshot | undefined, cluster: Partial<ClusterSnapshot> = {}) =>
  clusterSecurityGroup.evaluate(aCluster(cluster), aContext({ network }));

describe('Check: cluster-security-group', () => {
  it('passes a cluster security group open to nothing, naming the group', () => {
    const outcome = evaluate(NETWORK);
    expect(outcome).toMatchObject({ status: 'PASSED', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain(`${CLUSTER_SG} (eks-cluster-sg-prod)`);
  });

  it('passes rules that admit only private ranges', () => {
    const outcome = evaluate(
      withGroups([
        clusterGroup(
          { protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['10.0.0.0/8'] },
          { protocol: '-1', cidrs: ['172.16.0.0/12', 'fd00::/8'] },
        ),
      ]),
    );
    expect(outcome).toMatchObject({ status: 'PASSED' });
  });

  it.each<[string, IngressRule, 'HIGH' | 'MEDIUM', string]>([
    [
      'tcp 443 from 0.0.0.0/0',
      { protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0'] },
      'HIGH',
      'tcp port 443 from 0.0.0.0/0',
    ],
    ['all traffic from ::/0', { protocol: '-1', cidrs: ['::/0'] }, 'HIGH', 'all traffic from ::/0'],
    [
      'tcp 0-65535 from 0.0.0.0/0',
      { protocol: 'tcp', fromPort: 0, toPort: 65535, cidrs: ['0.0.0.0/0'] },
      'HIGH',
      'tcp ports 0-65535 from 0.0.0.0/0',
    ],
    [
      'tcp 400-500, which covers 443, from 0.0.0.0/0',
      { protocol: 'tcp', fromPort: 400, toPort: 500, cidrs: ['0.0.0.0/0'] },
      'HIGH',
      'tcp ports 400-500 from 0.0.0.0/0',
    ],
    [
      'protocol 6 (tcp) 443 from 0.0.0.0/0',
      { protocol: '6', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0'] },
      'HIGH',
      '6 port 443 from 0.0.0.0/0',
    ],
    [
      'udp 0-65535 from 0.0.0.0/0',
      { protocol: 'udp', fromPort: 0, toPort: 65535, cidrs: ['0.0.0.0/0'] },
      'HIGH',
      'udp ports 0-65535 from 0.0.0.0/0',
    ],
    [
      'a rule with no protocol, taken as the widest',
      { cidrs: ['0.0.0.0/0'] },
      'HIGH',
      'all traffic from 0.0.0.0/0',
    ],
    [
      'tcp 22 from 0.0.0.0/0',
      { protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['0.0.0.0/0'] },
      'MEDIUM',
      'tcp port 22 from 0.0.0.0/0',
    ],
    [
      'udp 53 from 0.0.0.0/0',
      { protocol: 'udp', fromPort: 53, toPort: 53, cidrs: ['0.0.0.0/0'] },
      'MEDIUM',
      'udp port 53 from 0.0.0.0/0',
    ],
    [
      'udp 443 from 0.0.0.0/0, which is not the Kubernetes API',
      { protocol: 'udp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0'] },
      'MEDIUM',
      'udp port 443 from 0.0.0.0/0',
    ],
    [
      'icmp from ::/0',
      { protocol: 'icmpv6', fromPort: -1, toPort: -1, cidrs: ['::/0'] },
      'MEDIUM',
      'protocol icmpv6 from ::/0',
    ],
  ])('fails on %s', (_, rule, severity, text) => {
    const outcome = evaluate(withGroups([clusterGroup(rule)]));
    expect(outcome).toMatchObject({ status: 'FAILED', severity });
    expect(outcome.detail).toContain(`${CLUSTER_SG} (eks-cluster-sg-prod) ${text}`);
  });

  it('judges addresses, not spelling: two halves of the IPv4 internet are the whole of it', () => {
    const outcome = evaluate(
      withGroups([
        clusterGroup({ protocol: 'tcp', fromPort: 0, toPort: 65535, cidrs: ['0.0.0.0/1', '128.0.0.0/1'] }),
      ]),
    );
    expect(outcome.status).toBe('FAILED');
    expect(outcome.severity).toBe('HIGH');
    expect(outcome.detail).toContain('0.0.0.0/1, 128.0.0.0/1 (every IPv4 address)');
  });

  describe('rules of all the cluster groups judged together (security groups are additive)', () => {
    const extraGroup = (...ingress: IngressRule[]): SecurityGroupInfo => ({
      id: EXTRA_SG,
      name: 'eks-extra',
      ingress,
    });
    const tcp = (from: number, to: number, ...cidrs: string[]): IngressRule => ({
      protocol: 'tcp',
      fromPort: from,
      toPort: to,
      cidrs,
    });
    const udp = (from: number, to: number, ...cidrs: string[]): IngressRule => ({
      protocol: 'udp',
      fromPort: from,
      toPort: to,
      cidrs,
    });
    const both = (cluster: SecurityGroupInfo, extra: SecurityGroupInfo) =>
      evaluate(withGroups([cluster, extra]), { securityGroupIds: [EXTRA_SG] });

    it('fails HIGH on /1 halves of the IPv4 internet on 443 in two groups, naming both groups and rules', () => {
      const outcome = both(
        clusterGroup(tcp(443, 443, '0.0.0.0/1')),
        extraGroup(tcp(443, 443, '128.0.0.0/1')),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
      expect(outcome.detail).toContain(
        `${CLUSTER_SG} (eks-cluster-sg-prod) tcp port 443 from 0.0.0.0/1 and ${EXTRA_SG} (eks-extra) tcp port 443 from 128.0.0.0/1 (together every IPv4 address on tcp port 443)`,
      );
    });

    it('fails HIGH on halves spread over two rules of one group, however the protocol is spelled', () => {
      const outcome = evaluate(
        withGroups([
          clusterGroup(tcp(443, 443, '0.0.0.0/1'), {
            protocol: '6',
            fromPort: 443,
            toPort: 443,
            cidrs: ['128.0.0.0/1'],
          }),
        ]),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
      expect(outcome.detail).toContain('tcp port 443 from 0.0.0.0/1 and');
      expect(outcome.detail).toContain(
        '6 port 443 from 128.0.0.0/1 (together every IPv4 address on tcp port 443)',
      );
    });

    it('fails HIGH on IPv6 halves (::/1 with 8000::/1) in two groups', () => {
      const outcome = both(clusterGroup(tcp(443, 443, '::/1')), extraGroup(tcp(443, 443, '8000::/1')));
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
      expect(outcome.detail).toContain('(together every IPv6 address on tcp port 443)');
    });

    it('passes halves on different ports: 0.0.0.0/1 on 443 and 128.0.0.0/1 on 22 open neither port to everyone', () => {
      const outcome = both(clusterGroup(tcp(443, 443, '0.0.0.0/1')), extraGroup(tcp(22, 22, '128.0.0.0/1')));
      expect(outcome).toMatchObject({ status: 'PASSED' });
      expect(outcome.detail).toContain(`${CLUSTER_SG} (eks-cluster-sg-prod), ${EXTRA_SG} (eks-extra)`);
    });

    it('passes an IPv4 half with an IPv6 half: neither family is covered', () => {
      const outcome = both(clusterGroup(tcp(443, 443, '0.0.0.0/1')), extraGroup(tcp(443, 443, '8000::/1')));
      expect(outcome).toMatchObject({ status: 'PASSED' });
    });

    it('passes halves on tcp and on udp 443: a protocol is not another', () => {
      const outcome = both(
        clusterGroup(tcp(443, 443, '0.0.0.0/1')),
        extraGroup(udp(443, 443, '128.0.0.0/1')),
      );
      expect(outcome).toMatchObject({ status: 'PASSED' });
    });

    it('fails HIGH on udp 0-1023 and 1024-65535 from 0.0.0.0/0 in two groups: together they are all ports', () => {
      const outcome = both(
        clusterGroup(udp(0, 1023, '0.0.0.0/0')),
        extraGroup(udp(1024, 65535, '0.0.0.0/0')),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
      expect(outcome.detail).toContain(`${CLUSTER_SG} (eks-cluster-sg-prod) udp ports 0-1023 from 0.0.0.0/0`);
      expect(outcome.detail).toContain(`${EXTRA_SG} (eks-extra) udp ports 1024-65535 from 0.0.0.0/0`);
      expect(outcome.detail).toContain('Together these rules open every udp port to every IPv4 address.');
    });

    it('fails HIGH on tcp 0-1023 and 1024-65535 from split halves in one group', () => {
      const outcome = evaluate(
        withGroups([clusterGroup(tcp(0, 1023, '0.0.0.0/0'), tcp(1024, 65535, '0.0.0.0/1', '128.0.0.0/1'))]),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
      expect(outcome.detail).toContain('Together these rules open every tcp port to every IPv4 address.');
    });

    it('fails MEDIUM on every tcp port but 443: not all ports, and not the Kubernetes API', () => {
      const outcome = both(clusterGroup(tcp(0, 442, '0.0.0.0/0')), extraGroup(tcp(444, 65535, '0.0.0.0/0')));
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome.detail).not.toContain('Together these rules');
    });

    it('judges overlapping port ranges on the ports they share', () => {
      const high = both(clusterGroup(tcp(400, 500, '0.0.0.0/1')), extraGroup(tcp(443, 600, '128.0.0.0/1')));
      expect(high).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
      expect(high.detail).toContain('(together every IPv4 address on tcp ports 443-500)');
      const medium = both(clusterGroup(tcp(20, 30, '0.0.0.0/1')), extraGroup(tcp(25, 40, '128.0.0.0/1')));
      expect(medium).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(medium.detail).toContain('(together every IPv4 address on tcp ports 25-30)');
    });

    it('takes protocol -1 as every protocol and port: with a tcp 443 half it opens 443', () => {
      const outcome = both(
        clusterGroup({ protocol: '-1', cidrs: ['0.0.0.0/1'] }),
        extraGroup(tcp(443, 443, '128.0.0.0/1')),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
      expect(outcome.detail).toContain(
        `${CLUSTER_SG} (eks-cluster-sg-prod) all traffic from 0.0.0.0/1 and ${EXTRA_SG} (eks-extra) tcp port 443 from 128.0.0.0/1`,
      );
    });

    it('fails MEDIUM on protocol -1 with a udp 53 half: only udp 53 is open to everyone', () => {
      const outcome = both(
        clusterGroup({ protocol: '-1', cidrs: ['0.0.0.0/1'] }),
        extraGroup(udp(53, 53, '128.0.0.0/1')),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome.detail).toContain('(together every IPv4 address on udp port 53)');
    });

    it('fails HIGH on all traffic from halves in two groups', () => {
      const outcome = both(
        clusterGroup({ protocol: '-1', cidrs: ['0.0.0.0/1'] }),
        extraGroup({ protocol: '-1', cidrs: ['128.0.0.0/1'] }),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
      expect(outcome.detail).toContain('(together every IPv4 address on every protocol and port)');
    });

    it('names the rules that matter, not private ranges that add nothing', () => {
      const outcome = both(
        clusterGroup(tcp(443, 443, '0.0.0.0/1'), tcp(443, 443, '10.0.0.0/8')),
        extraGroup(tcp(443, 443, '128.0.0.0/1', '192.168.0.0/16')),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
      expect(outcome.detail).not.toContain('10.0.0.0/8');
      expect(outcome.detail).not.toContain('192.168.0.0/16');
    });

    it('names every rule whose removal alone would not close the port', () => {
      const outcome = both(
        clusterGroup({ protocol: '-1', cidrs: ['0.0.0.0/0'] }),
        extraGroup(tcp(443, 443, '0.0.0.0/1'), tcp(443, 443, '128.0.0.0/1')),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
      expect(outcome.detail).toContain(`${CLUSTER_SG} (eks-cluster-sg-prod) all traffic from 0.0.0.0/0`);
      expect(outcome.detail).toContain(
        `${EXTRA_SG} (eks-extra) tcp port 443 from 0.0.0.0/1 and ${EXTRA_SG} (eks-extra) tcp port 443 from 128.0.0.0/1`,
      );
    });

    it('judges ICMP by type: halves on one type are open, halves on two types are not', () => {
      const icmp = (type: number, cidr: string): IngressRule => ({
        protocol: 'icmp',
        fromPort: type,
        toPort: -1,
        cidrs: [cidr],
      });
      const open = both(clusterGroup(icmp(8, '0.0.0.0/1')), extraGroup(icmp(-1, '128.0.0.0/1')));
      expect(open).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(open.detail).toContain('(together every IPv4 address on icmp type 8)');
      expect(both(clusterGroup(icmp(8, '0.0.0.0/1')), extraGroup(icmp(0, '128.0.0.0/1')))).toMatchObject({
        status: 'PASSED',
      });
    });

    it.each<[string, IngressRule, string]>([
      ['a CIDR that is not one', tcp(443, 443, '300.1.1.1/8'), "'300.1.1.1/8' is not a CIDR block"],
      ['ports from above to', tcp(500, 400, '0.0.0.0/0'), 'its ports are not a range'],
      ['a protocol EC2 does not name', { protocol: 'bogus', cidrs: ['0.0.0.0/0'] }, "protocol 'bogus'"],
    ])(
      'is not available, naming the rule, when a rule has %s and nothing else is open',
      (_, rule, reason) => {
        const outcome = both(clusterGroup(tcp(443, 443, '0.0.0.0/1')), extraGroup(rule));
        expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
        expect(outcome.detail).toContain(`Not judged (unreadable rules): ${EXTRA_SG} (eks-extra)`);
        expect(outcome.detail).toContain(reason);
      },
    );

    it('still fails on open rules when another rule is unreadable', () => {
      const outcome = both(
        clusterGroup(tcp(443, 443, '0.0.0.0/1'), tcp(22, 22, 'banana')),
        extraGroup(tcp(443, 443, '128.0.0.0/1')),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    });
  });

  it('does not pass a rule that admits a managed prefix list, whose entries are not read', () => {
    const outcome = evaluate(
      withGroups([
        clusterGroup({
          protocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          cidrs: [],
          prefixListIds: ['pl-0123abcd'],
        }),
      ]),
    );
    expect(outcome.status).toBe('NOT_AVAILABLE');
    expect(outcome.detail).toContain('tcp port 443 from prefix list pl-0123abcd');
  });

  it('passes a rule whose blocks leave part of the internet out', () => {
    const outcome = evaluate(
      withGroups([clusterGroup({ protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/1'] })]),
    );
    expect(outcome.status).toBe('PASSED');
  });

  it('names only the internet-wide sources of a rule that also admits private ranges', () => {
    const outcome = evaluate(
      withGroups([
        clusterGroup({ protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['10.0.0.0/8', '0.0.0.0/0'] }),
      ]),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain('from 0.0.0.0/0.');
    expect(outcome.detail).not.toContain('10.0.0.0/8');
  });

  it('takes the worst rule: one HIGH among MEDIUM rules fails HIGH, and lists them all', () => {
    const outcome = evaluate(
      withGroups([
        clusterGroup(
          { protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['0.0.0.0/0'] },
          { protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['::/0'] },
        ),
      ]),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain('tcp port 22 from 0.0.0.0/0');
    expect(outcome.detail).toContain('tcp port 443 from ::/0');
  });

  it('judges the additional security groups too, naming the group by id and name', () => {
    const outcome = evaluate(
      withGroups([
        clusterGroup(),
        {
          id: EXTRA_SG,
          name: 'legacy-bastion',
          ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['0.0.0.0/0'] }],
        },
      ]),
      { securityGroupIds: [EXTRA_SG] },
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain(`${EXTRA_SG} (legacy-bastion) tcp port 22 from 0.0.0.0/0`);
    expect(outcome.detail).not.toContain(CLUSTER_SG);
  });

  it('names a group with no name by its id', () => {
    const outcome = evaluate(
      withGroups([{ id: CLUSTER_SG, ingress: [{ protocol: '-1', cidrs: ['0.0.0.0/0'] }] }]),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain(`${CLUSTER_SG} all traffic`);
  });

  it('judges a group named both as the cluster group and as an additional group once', () => {
    const outcome = evaluate(withGroups([clusterGroup({ protocol: '-1', cidrs: ['0.0.0.0/0'] })]), {
      securityGroupIds: [CLUSTER_SG],
    });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail.split(CLUSTER_SG)).toHaveLength(2);
  });

  it('ignores groups of the region that the cluster does not use', () => {
    const outcome = evaluate(
      withGroups([
        clusterGroup(),
        { id: EXTRA_SG, name: 'web', ingress: [{ protocol: '-1', cidrs: ['0.0.0.0/0'] }] },
      ]),
    );
    expect(outcome).toMatchObject({ status: 'PASSED' });
  });

  it('judges the additional groups when EKS reports no cluster security group', () => {
    const { clusterSecurityGroupId: _, ...cluster } = aCluster({ securityGroupIds: [EXTRA_SG] });
    const outcome = clusterSecurityGroup.evaluate(
      cluster,
      aContext({ network: withGroups([{ id: EXTRA_SG, name: 'extra', ingress: [] }]) }),
    );
    expect(outcome).toMatchObject({ status: 'PASSED' });
    expect(outcome.detail).toContain(`${EXTRA_SG} (extra)`);
  });

  it('is not available when a group was not returned and none that was read is open', () => {
    const outcome = evaluate(NETWORK, { securityGroupIds: [EXTRA_SG] });
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain(`Not returned by ec2:DescribeSecurityGroups: ${EXTRA_SG}`);
  });

  it('fails on an open group even when another was not returned, and names the missing one', () => {
    const outcome = evaluate(withGroups([clusterGroup({ protocol: '-1', cidrs: ['0.0.0.0/0'] })]), {
      securityGroupIds: [EXTRA_SG],
    });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain(`Not returned by ec2:DescribeSecurityGroups: ${EXTRA_SG}`);
  });

  it('is not available, with the reason, when the security groups could not be read', () => {
    const outcome = evaluate({
      ...NETWORK,
      securityGroups: { known: false, reason: 'AccessDenied on ec2:DescribeSecurityGroups' },
    });
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('AccessDenied on ec2:DescribeSecurityGroups');
  });

  it("is not available when the region's network was not read", () => {
    expect(evaluate(undefined)).toMatchObject({ status: 'NOT_AVAILABLE' });
  });

  it('is not available when DescribeCluster names no security group', () => {
    const { clusterSecurityGroupId: _, ...cluster } = aCluster({ securityGroupIds: [] });
    const outcome = clusterSecurityGroup.evaluate(cluster, aContext());
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('no security groups');
  });
});
