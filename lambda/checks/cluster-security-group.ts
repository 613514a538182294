import { failed, notAvailable, passed } from '../model/result';
import { type IngressRule, type SecurityGroupInfo, securityGroupsOf } from '../model/snapshot';
import { coverage } from '../net/cidr';
import type { ClusterCheck } from './types';

const ANYWHERE = new Set(['0.0.0.0/0', '::/0']);
const HTTPS = 443;

export const clusterSecurityGroup: ClusterCheck = {
  metadata: {
    id: 'cluster-security-group',
    title: 'EKS cluster security groups admit nothing from the whole internet',
    resourceType: 'AwsEksCluster',
    severityRules:
      'Looks at the cluster security group EKS created and the additional security groups given at creation. PASSED when none has an inbound rule from 0.0.0.0/0 or ::/0 (judged by the addresses a rule admits: 0.0.0.0/1 with 128.0.0.0/1 counts as 0.0.0.0/0). FAILED HIGH when such a rule allows port 443 (the Kubernetes API) or all ports (protocol -1, or 0-65535); FAILED MEDIUM for any other such rule. The detail names each group and rule. NOT_AVAILABLE when DescribeCluster names no security group, or when no rule is open but a group could not be read or a rule admits a managed prefix list (whose entries are not read).',
    remediation: {
      text: 'Remove the inbound rules from 0.0.0.0/0 and ::/0 and admit only the security groups or CIDR ranges that need to reach the cluster; EKS needs no internet-wide rule on these groups.',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html',
    },
    references: [
      'https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html',
      'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
    ],
  },
  evaluate(cluster, context) {
    const ids = securityGroupsOf(cluster);
    if (ids.length === 0) return notAvailable('DescribeCluster named no security groups for the cluster.');
    const groups = context.network(cluster.accountId, cluster.region)?.securityGroups;
    if (groups === undefined) return notAvailable("The region's security groups were not read.");
    if (!groups.known) return notAvailable(`The security groups could not be read: ${groups.reason}.`);
    const found = ids.flatMap((id) => groups.value.filter((g) => g.id === id));
    const missing = ids.filter((id) => !groups.value.some((g) => g.id === id));
    const open = found.flatMap((group) => openRules(group));
    const missingText =
      missing.length > 0 ? ` Not returned by ec2:DescribeSecurityGroups: ${missing.join(', ')}.` : '';
    if (open.length > 0) {
      const severity = open.some((o) => o.high) ? 'HIGH' : 'MEDIUM';
      return failed(
        severity,
        `Inbound rules open to the internet: ${open.map((o) => o.text).join('; ')}.${missingText}`,
      );
    }
    const lists = found.flatMap((group) =>
      group.ingress.flatMap((rule) =>
        (rule.prefixListIds ?? []).map((id) => `${label(group)} ${describe(rule)} from prefix list ${id}`),
      ),
    );
    const listText =
      lists.length > 0 ? ` Not judged (prefix list entries are not read): ${lists.join('; ')}.` : '';
    if (missing.length > 0 || lists.length > 0) {
      return notAvailable(`No open rule in the groups read.${missingText}${listText}`);
    }
    return passed(`No inbound rule from 0.0.0.0/0 or ::/0 in ${found.map(label).join(', ')}.`);
  },
};

function openRules(group: SecurityGroupInfo): { high: boolean; text: string }[] {
  return group.ingress.flatMap((rule) => {
    // Judged by the addresses the rule admits, not by spelling: 0.0.0.0/1 with 128.0.0.0/1 is 0.0.0.0/0.
    const reach = coverage(rule.cidrs);
    if (!reach.allIpv4 && !reach.allIpv6) return [];
    const named = rule.cidrs.filter((cidr) => ANYWHERE.has(cidr));
    const sources =
      named.length > 0
        ? named
        : [`${rule.cidrs.join(', ')} (every ${reach.allIpv4 ? 'IPv4' : 'IPv6'} address)`];
    return [
      {
        high: allPorts(rule) || admits(rule, HTTPS),
        text: `${label(group)} ${describe(rule)} from ${sources.join(', ')}`,
      },
    ];
  });
}

function label(group: SecurityGroupInfo): string {
  return group.name ? `${group.id} (${group.name})` : group.id;
}

/** Protocol -1 is all traffic; a rule EC2 returned without a protocol is taken as the widest. */
function allPorts(rule: IngressRule): boolean {
  if (rule.protocol === undefined || rule.protocol === '-1') return true;
  return isPorted(rule) && (rule.fromPort ?? 0) <= 0 && (rule.toPort ?? 65535) >= 65535;
}

function admits(rule: IngressRule, port: number): boolean {
  if (rule.protocol !== 'tcp' && rule.protocol !== '6') return false;
  return (rule.fromPort ?? 0) <= port && port <= (rule.toPort ?? 65535);
}

function isPorted(rule: IngressRule): boolean {
  return ['tcp', 'udp', '6', '17'].includes(rule.protocol ?? '');
}

function describe(rule: IngressRule): string {
  if (rule.protocol === undefined || rule.protocol === '-1') return 'all traffic';
  if (!isPorted(rule)) return `protocol ${rule.protocol}`;
  const from = rule.fromPort ?? 0;
  const to = rule.toPort ?? 65535;
  const ports = from === to ? `port ${from}` : `ports ${from}-${to}`;
  return `${rule.protocol} ${ports}`;
}
