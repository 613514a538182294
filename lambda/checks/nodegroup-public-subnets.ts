import { failed, notAvailable, passed } from '../model/result';
import type { NetworkSnapshot, RouteTableInfo, SubnetInfo } from '../model/snapshot';
import {
  ALL_ADDRESSES,
  type CidrBlock,
  contains,
  covers,
  essential,
  readCidrs,
  type Span,
} from '../net/cidr';
import type { NodegroupCheck } from './types';

export const nodegroupPublicSubnets: NodegroupCheck = {
  metadata: {
    id: 'nodegroup-public-subnets',
    title: 'EKS managed node group runs only in private subnets',
    resourceType: 'AwsEksNodegroup',
    severities: ['MEDIUM'],
    severityRules:
      "PASSED when every subnet of the node group is private. A subnet is public when it maps public IPv4 addresses on launch (MapPublicIpOnLaunch) or the routes of its route table to internet gateways together cover every IPv4 or every IPv6 address (judged by the addresses, not the spelling: 0.0.0.0/1 with 128.0.0.0/1 counts as 0.0.0.0/0; a blackhole route sends nothing and is ignored); a subnet with no explicit route table association uses its VPC's main route table. FAILED MEDIUM naming each public subnet and why. NOT_AVAILABLE when a subnet or its route table (or the destination of a route to an internet gateway) could not be read and no subnet is known to be public.",
    remediation: {
      text: "Create the node group in private subnets (route 0.0.0.0/0 through a NAT gateway, MapPublicIpOnLaunch off) and move workloads off the node group in public subnets; a node group's subnets cannot be changed in place.",
      url: 'https://docs.aws.amazon.com/eks/latest/best-practices/subnets.html',
    },
    references: [
      'https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html',
      'https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html',
      'https://docs.aws.amazon.com/eks/latest/best-practices/subnets.html',
    ],
  },
  evaluate(nodegroup, context) {
    const subnets = nodegroup.subnets ?? [];
    if (subnets.length === 0)
      return notAvailable('DescribeNodegroup returned no subnets for the node group.');
    const network = context.network(nodegroup.accountId, nodegroup.region);
    if (network === undefined) return notAvailable("The region's subnets were not read.");
    const verdicts = subnets.map((id) => exposure(id, network));
    const open = verdicts.filter((v) => v.public.length > 0);
    const unknown = verdicts.filter((v) => v.public.length === 0 && v.unknown !== undefined);
    const unknownText = unknown.map((v) => `${v.id} (${v.unknown})`).join('; ');
    if (open.length > 0) {
      const text = open.map((v) => `${v.id} ${v.public.join(' and ')}`).join('; ');
      return failed(
        'MEDIUM',
        `The node group runs in public subnets: ${text}.${unknown.length > 0 ? ` Not judged: ${unknownText}.` : ''}`,
      );
    }
    if (unknown.length > 0) return notAvailable(`Subnets could not be judged: ${unknownText}.`);
    return passed(`All ${subnets.length} subnets are private: ${subnets.join(', ')}.`);
  },
};

interface SubnetVerdict {
  readonly id: string;
  /** Why the subnet is public; empty when it is not known to be. */
  readonly public: string[];
  /** Why the subnet could not be judged in full. */
  readonly unknown?: string;
}

function exposure(id: string, network: NetworkSnapshot): SubnetVerdict {
  if (!network.subnets.known) return { id, public: [], unknown: network.subnets.reason };
  const subnet = network.subnets.value.find((s) => s.id === id);
  if (subnet === undefined) return { id, public: [], unknown: 'ec2:DescribeSubnets did not return it' };
  const reasons: string[] = [];
  if (subnet.mapPublicIpOnLaunch === true) reasons.push('maps public IP addresses on launch');
  if (!network.routeTables.known) return { id, public: reasons, unknown: network.routeTables.reason };
  const table = routeTableOf(subnet, network.routeTables.value);
  if (table === undefined) {
    const why =
      subnet.vpcId === undefined
        ? 'no route table is associated with it and ec2:DescribeSubnets gave no VPC for it'
        : `ec2:DescribeRouteTables returned no table associated with it and no main route table of its VPC ${subnet.vpcId}`;
    return { id, public: reasons, unknown: why };
  }
  const where = `${table.id}${table.main && !table.subnetIds.includes(id) ? ', the main route table' : ''}`;
  const { routes, invalid } = internetReach(table, where);
  reasons.push(...routes);
  if (reasons.length === 0 && invalid.length > 0) {
    return { id, public: [], unknown: `routes to an internet gateway in ${where}: ${invalid.join(', ')}` };
  }
  return { id, public: reasons };
}

interface RouteBlock {
  readonly route: RouteTableInfo['internetRoutes'][number];
  readonly block: CidrBlock;
}

const rangeOf = (route: RouteBlock): Span => route.block.range;

/**
 * Why a route table reaches the whole internet: its routes to internet gateways together cover
 * every IPv4 or every IPv6 address, however they are split (0.0.0.0/1 with 128.0.0.0/1 is
 * 0.0.0.0/0). A subnet is public when its route table has a route to an internet gateway:
 * https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html
 */
function internetReach(table: RouteTableInfo, where: string): { routes: string[]; invalid: string[] } {
  const routes: RouteBlock[] = [];
  const invalid: string[] = [];
  for (const route of table.internetRoutes) {
    const { blocks, invalid: unreadable } = readCidrs([route.destination]);
    invalid.push(...unreadable);
    routes.push(...blocks.map((block) => ({ route, block })));
  }
  const reasons = ([4, 6] as const).flatMap((family) => {
    const whole = ALL_ADDRESSES[family];
    const own = routes.filter((r) => r.block.range.family === family);
    if (!covers(own.map(rangeOf), whole)) return [];
    const defaults = own.filter((r) => contains(r.block.range, whole));
    if (defaults.length > 0) {
      return defaults.map(
        ({ route }) => `routes ${route.destination} to internet gateway ${route.gatewayId} (${where})`,
      );
    }
    const chosen = essential(own, rangeOf, whole);
    const gateways = [...new Set(chosen.map((r) => r.route.gatewayId))];
    return [
      `routes ${chosen.map((r) => r.route.destination).join(', ')} to internet ${gateways.length > 1 ? 'gateways' : 'gateway'} ${gateways.join(', ')} (${where}, together every IPv${family} address)`,
    ];
  });
  return { routes: reasons, invalid };
}

/** The table associated with the subnet, or else its VPC's main route table. */
function routeTableOf(subnet: SubnetInfo, tables: readonly RouteTableInfo[]): RouteTableInfo | undefined {
  return (
    tables.find((t) => t.subnetIds.includes(subnet.id)) ??
    tables.find((t) => t.main && subnet.vpcId !== undefined && t.vpcId === subnet.vpcId)
  );
}
