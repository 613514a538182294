import { failed, notAvailable, passed } from '../model/result';
import { type IngressRule, type SecurityGroupInfo, securityGroupsOf } from '../model/snapshot';
import {
  ALL_ADDRESSES,
  type CidrBlock,
  contains,
  covers,
  essential,
  pieces,
  readCidrs,
  type Span,
} from '../net/cidr';
import type { ClusterCheck } from './types';

export const clusterSecurityGroup: ClusterCheck = {
  metadata: {
    id: 'cluster-security-group',
    title: 'EKS cluster security groups admit nothing from the whole internet',
    resourceType: 'AwsEksCluster',
    severities: ['HIGH', 'MEDIUM'],
    severityRules:
      "Looks at the cluster security group EKS created and the additional security groups given at creation. Security group rules are additive, so the rules of all the cluster's groups are judged together, by the protocols, ports and addresses they admit rather than their spelling: 0.0.0.0/1 on tcp 443 in one group with 128.0.0.0/1 on tcp 443 in another (or in two rules of one group) admit the whole IPv4 internet on 443, rules for ports 0-1023 and 1024-65535 together are all ports, and protocol -1 admits every protocol and port. PASSED when no protocol and port is admitted from every IPv4 or every IPv6 address. FAILED HIGH when tcp port 443 (the Kubernetes API) or all ports (protocol -1, or every tcp or udp port) are; FAILED MEDIUM for any other port or protocol. The detail names each group and rule that contributes. NOT_AVAILABLE when DescribeCluster names no security group, or when nothing is open but a group could not be read, a rule admits a managed prefix list (whose entries are not read) or a rule's protocol, ports or CIDR block could not be read.",
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
    const { grants, unreadable } = grantsOf(found);
    const open = exposures(grants);
    const missingText =
      missing.length > 0 ? ` Not returned by ec2:DescribeSecurityGroups: ${missing.join(', ')}.` : '';
    if (open.length > 0) {
      return failed(
        isHigh(open) ? 'HIGH' : 'MEDIUM',
        `Inbound rules open to the internet: ${render(open).join('; ')}.${allPortsNote(open)}${missingText}`,
      );
    }
    const lists = found.flatMap((group) =>
      group.ingress.flatMap((rule) =>
        (rule.prefixListIds ?? []).map((id) => `${label(group)} ${describe(rule)} from prefix list ${id}`),
      ),
    );
    const listText =
      lists.length > 0 ? ` Not judged (prefix list entries are not read): ${lists.join('; ')}.` : '';
    const unreadableText =
      unreadable.length > 0 ? ` Not judged (unreadable rules): ${unreadable.join('; ')}.` : '';
    if (missing.length > 0 || lists.length > 0 || unreadable.length > 0) {
      return notAvailable(`No open rule in the groups read.${missingText}${listText}${unreadableText}`);
    }
    return passed(
      `No inbound rules, alone or together, admit every IPv4 or every IPv6 address on any port of ${found.map(label).join(', ')}.`,
    );
  },
};

/** A protocol number, or every protocol (`-1`). */
type Protocol = number | 'all';

const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;
const HTTPS: Span = { first: 443n, last: 443n };
/** tcp and udp ports; for ICMP, type × 256 + code, so that one sweep judges both. */
const PORT_SPACE: Span = { first: 0n, last: 65535n };
/** A protocol without ports, or all traffic: one point. */
const NO_PORTS: Span = { first: 0n, last: 0n };

const PROTOCOL_NAMES: Readonly<Record<number, string>> = {
  [TCP]: 'tcp',
  [UDP]: 'udp',
  [ICMP]: 'icmp',
  [ICMPV6]: 'icmpv6',
};

/** One address block of one rule, with the protocol and ports the rule admits it on. */
interface Grant {
  /** Unique per block of the cluster's rules; its order is the groups' and rules' order. */
  readonly key: string;
  readonly order: number;
  readonly group: SecurityGroupInfo;
  readonly rule: IngressRule;
  readonly protocol: Protocol;
  readonly ports: Span;
  readonly block: CidrBlock;
}

const rangeOf = (grant: Grant): Span => grant.block.range;
const portsOfGrant = (grant: Grant): Span => grant.ports;

/** Protocol and ports on which some grants together admit every address of a family. */
interface Exposure {
  readonly protocol: Protocol;
  readonly family: 4 | 6;
  readonly ports: Span;
  /** The grants that matter: one rule's, when that rule alone admits every address. */
  readonly grants: readonly Grant[];
  readonly alone: boolean;
}

function grantsOf(groups: readonly SecurityGroupInfo[]): { grants: Grant[]; unreadable: string[] } {
  const grants: Grant[] = [];
  const unreadable: string[] = [];
  let order = 0;
  for (const group of groups) {
    for (const rule of group.ingress) {
      order += 1;
      const protocol = protocolOf(rule);
      const ports = protocol === undefined ? undefined : portsOf(protocol, rule);
      const { blocks, invalid } = readCidrs(rule.cidrs);
      const problems = [
        ...(protocol === undefined ? [`protocol '${rule.protocol}' is not one EC2 names`] : []),
        ...(protocol !== undefined && ports === undefined ? ['its ports are not a range'] : []),
        ...invalid,
      ];
      if (problems.length > 0) unreadable.push(`${label(group)} ${describe(rule)}: ${problems.join(', ')}`);
      if (protocol === undefined || ports === undefined) continue;
      blocks.forEach((block, i) => {
        grants.push({ key: `${order}/${i}`, order, group, rule, protocol, ports, block });
      });
    }
  }
  return { grants, unreadable };
}

/**
 * Every protocol, port and address family on which the grants together admit every address. Rules
 * are additive, within a group and across the groups of an ENI, so the grants are swept together:
 * https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
 */
function exposures(grants: readonly Grant[]): Exposure[] {
  const specific = [...new Set(grants.flatMap((g) => (g.protocol === 'all' ? [] : [g.protocol])))].sort(
    (a, b) => a - b,
  );
  const protocols: Protocol[] = [
    ...(grants.some((g) => g.protocol === 'all') ? ['all' as const] : []),
    ...specific,
  ];
  const found: Exposure[] = [];
  for (const protocol of protocols) {
    const space = spaceOf(protocol);
    // Protocol -1 admits every port of every protocol.
    const candidates = grants.flatMap((g) =>
      g.protocol === protocol ? [g] : g.protocol === 'all' ? [{ ...g, ports: space }] : [],
    );
    for (const family of [4, 6] as const) {
      const here = candidates.filter((g) => g.block.range.family === family);
      const open = new Map<string, Exposure>();
      for (const piece of pieces(here.map(portsOfGrant), space)) {
        const admitting = here.filter((g) => contains(g.ports, piece));
        for (const [alone, chosen] of coverOf(admitting, family)) {
          // Reported once, as all traffic, when rules for every protocol are all that matter here.
          if (protocol !== 'all' && chosen.every((g) => g.protocol === 'all')) continue;
          const id = `${alone}:${chosen.map((g) => g.key).join(',')}`;
          const previous = open.get(id);
          if (previous !== undefined && previous.ports.last + 1n === piece.first) {
            open.set(id, { ...previous, ports: { first: previous.ports.first, last: piece.last } });
          } else {
            if (previous !== undefined) found.push(previous);
            open.set(id, { protocol, family, ports: piece, grants: chosen, alone });
          }
        }
      }
      found.push(...open.values());
    }
  }
  return found;
}

/**
 * Who admits every address of a family among grants on one protocol and port: each rule that does
 * alone, and the fewest of the other grants that do together, so that removing the rules named
 * leaves nothing open here; none when the grants do not.
 */
function coverOf(grants: readonly Grant[], family: 4 | 6): [boolean, Grant[]][] {
  const whole = ALL_ADDRESSES[family];
  if (!covers(grants.map(rangeOf), whole)) return [];
  const byRule = new Map<number, Grant[]>();
  for (const grant of grants) byRule.set(grant.order, [...(byRule.get(grant.order) ?? []), grant]);
  const alone = [...byRule.values()].filter((own) => covers(own.map(rangeOf), whole));
  const found = alone.map((own): [boolean, Grant[]] => {
    // A rule naming 0.0.0.0/0 or ::/0 is reported by that block alone, its private ranges left out.
    const everything = own.filter((g) => contains(g.block.range, whole));
    return [true, everything.length > 0 ? everything : essential(own, rangeOf, whole)];
  });
  const rest = grants.filter((g) => !alone.some((own) => own.includes(g)));
  if (covers(rest.map(rangeOf), whole)) found.push([false, essential(rest, rangeOf, whole)]);
  return found;
}

function isHigh(open: readonly Exposure[]): boolean {
  if (open.some((e) => e.protocol === 'all')) return true;
  if (open.some((e) => e.protocol === TCP && contains(e.ports, HTTPS))) return true;
  return allPortsOpen(open).length > 0;
}

/** tcp and udp, per address family, whose every port is open (in one rule or several). */
function allPortsOpen(open: readonly Exposure[]): { protocol: number; family: 4 | 6; alone: boolean }[] {
  return [TCP, UDP].flatMap((protocol) =>
    ([4, 6] as const).flatMap((family) => {
      const spans = open.filter((e) => e.protocol === protocol && e.family === family).map((e) => e.ports);
      if (!covers(spans, PORT_SPACE)) return [];
      return [{ protocol, family, alone: spans.some((s) => contains(s, PORT_SPACE)) }];
    }),
  );
}

/** Says when several rules together, and no one of them, open every port. */
function allPortsNote(open: readonly Exposure[]): string {
  const together = allPortsOpen(open).filter((p) => !p.alone);
  return together
    .map(
      (p) =>
        ` Together these rules open every ${PROTOCOL_NAMES[p.protocol]} port to every IPv${p.family} address.`,
    )
    .join('');
}

/** One text per rule that is open alone, one per set of rules open together, in the groups' order. */
function render(open: readonly Exposure[]): string[] {
  const alone = new Map<number, { grants: Grant[] }>();
  const parts: { orders: number[]; text: string }[] = [];
  for (const exposure of open) {
    const first = exposure.grants[0];
    if (first === undefined) continue;
    if (exposure.alone) {
      const entry = alone.get(first.order) ?? { grants: [] };
      for (const grant of exposure.grants) {
        if (!entry.grants.some((g) => g.key === grant.key)) entry.grants.push(grant);
      }
      alone.set(first.order, entry);
    } else {
      const rules = byRule(exposure.grants).map(
        (own) => `${ruleText(own)} from ${own.map((g) => g.block.cidr).join(', ')}`,
      );
      parts.push({
        orders: [...new Set(exposure.grants.map((g) => g.order))].sort((a, b) => a - b),
        text: `${rules.join(' and ')} (together every IPv${exposure.family} address on ${portsText(exposure.protocol, exposure.ports)})`,
      });
    }
  }
  for (const [order, { grants }] of alone) {
    const sources = ([4, 6] as const).flatMap((family) => {
      const own = grants.filter((g) => g.block.range.family === family);
      if (own.length === 0) return [];
      const cidrs = own.map((g) => g.block.cidr).join(', ');
      const whole = own.some((g) => contains(g.block.range, ALL_ADDRESSES[family]));
      return [whole ? cidrs : `${cidrs} (every IPv${family} address)`];
    });
    parts.push({ orders: [order], text: `${ruleText(grants)} from ${sources.join(', ')}` });
  }
  const texts = parts.sort((a, b) => compareOrders(a.orders, b.orders)).map((p) => p.text);
  return [...new Set(texts)];
}

/** By the first rule named, then the next: the groups' and rules' order. */
function compareOrders(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

function byRule(grants: readonly Grant[]): Grant[][] {
  const rules = new Map<number, Grant[]>();
  for (const grant of [...grants].sort((a, b) => a.order - b.order)) {
    rules.set(grant.order, [...(rules.get(grant.order) ?? []), grant]);
  }
  return [...rules.values()];
}

function ruleText(grants: readonly Grant[]): string {
  const [first] = grants;
  return first === undefined ? '' : `${label(first.group)} ${describe(first.rule)}`;
}

function label(group: SecurityGroupInfo): string {
  return group.name ? `${group.id} (${group.name})` : group.id;
}

/** Protocol -1 is all traffic; a rule EC2 returned without a protocol is taken as the widest. */
function protocolOf(rule: IngressRule): Protocol | undefined {
  const text = rule.protocol?.trim().toLowerCase();
  if (text === undefined || text === '-1') return 'all';
  const named = Object.entries(PROTOCOL_NAMES).find(([, name]) => name === text);
  if (named !== undefined) return Number(named[0]);
  if (/^\d+$/.test(text) && Number(text) <= 255) return Number(text);
  return undefined;
}

/**
 * What a rule admits of its protocol's port space. tcp and udp take a port range; ICMP a type and
 * code, -1 for all; other protocols admit every port whatever the rule says:
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html
 */
function portsOf(protocol: Protocol, rule: IngressRule): Span | undefined {
  if (protocol === TCP || protocol === UDP) {
    const from = rule.fromPort ?? 0;
    const to = rule.toPort ?? 65535;
    if (from < 0 || to > 65535 || from > to) return undefined;
    return { first: BigInt(from), last: BigInt(to) };
  }
  if (protocol === ICMP || protocol === ICMPV6) {
    const type = rule.fromPort ?? -1;
    const code = rule.toPort ?? -1;
    if (type === -1) return PORT_SPACE;
    if (type < 0 || type > 255 || code < -1 || code > 255) return undefined;
    const base = BigInt(type) * 256n;
    return code === -1
      ? { first: base, last: base + 255n }
      : { first: base + BigInt(code), last: base + BigInt(code) };
  }
  return NO_PORTS;
}

function spaceOf(protocol: Protocol): Span {
  return protocol === TCP || protocol === UDP || protocol === ICMP || protocol === ICMPV6
    ? PORT_SPACE
    : NO_PORTS;
}

function portsText(protocol: Protocol, ports: Span): string {
  if (protocol === 'all') return 'every protocol and port';
  const name = PROTOCOL_NAMES[protocol] ?? `protocol ${protocol}`;
  if (protocol === TCP || protocol === UDP) {
    return ports.first === ports.last
      ? `${name} port ${ports.first}`
      : `${name} ports ${ports.first}-${ports.last}`;
  }
  if ((protocol === ICMP || protocol === ICMPV6) && !contains(ports, PORT_SPACE)) {
    const [fromType, fromCode, toType, toCode] = [
      ports.first / 256n,
      ports.first % 256n,
      ports.last / 256n,
      ports.last % 256n,
    ];
    if (fromCode === 0n && toCode === 255n) {
      return fromType === toType ? `${name} type ${fromType}` : `${name} types ${fromType}-${toType}`;
    }
    if (fromType === toType) {
      return fromCode === toCode
        ? `${name} type ${fromType} code ${fromCode}`
        : `${name} type ${fromType} codes ${fromCode}-${toCode}`;
    }
    return `${name} type ${fromType} code ${fromCode} to type ${toType} code ${toCode}`;
  }
  return name;
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
