import {
  type EC2Client,
  type Filter,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
} from '@aws-sdk/client-ec2';
import { describeAwsError } from '../errors';
import type {
  NetworkSnapshot,
  Readout,
  RouteTableInfo,
  SecurityGroupInfo,
  SubnetInfo,
} from '../model/snapshot';

/** EC2 accepts at most 200 values in one filter. */
const FILTER_VALUES = 200;

/**
 * The subnets of the region's node groups and their VPCs' route tables: one paginated call per
 * resource type, filtered by those ids, whatever the number of node groups. Nothing is read when no
 * node group names a subnet; a failed read is kept as its reason.
 *
 * The subnets stay filtered by the node groups' subnet ids, not by VPC: a VPC filter would return
 * every subnet of the clusters' VPCs (more pages), and would spend a call where no node group names
 * a subnet. The route tables need only VPC ids, and EKS requires a node group's subnets to be in its
 * cluster's VPC (https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html): they are read
 * by `clusterVpcIds` (the VPCs of the clusters whose node groups name these subnets) beside the
 * subnets, not after them. A subnet in any other VPC has that VPC's tables read once the subnets
 * are known, one round trip later, so that every subnet is still judged by its own route table.
 */
export async function collectSubnetRoutes(
  ec2: EC2Client,
  ids: readonly string[],
  clusterVpcIds: readonly string[] = [],
): Promise<Pick<NetworkSnapshot, 'subnets' | 'routeTables'>> {
  const subnetIds = unique(ids);
  const expected = subnetIds.length > 0 ? unique(clusterVpcIds) : [];
  const early = readRouteTables(ec2, expected);
  const subnets = await read('ec2:DescribeSubnets', subnetIds, (values) => describeSubnets(ec2, values));
  if (!subnets.known) {
    // Read beside the subnets, but of no use without them: the snapshot says so, as when they were not read.
    await early;
    return {
      subnets,
      routeTables: { known: false, reason: `the route tables were not read because ${subnets.reason}` },
    };
  }
  const vpcIds = unique(subnets.value.flatMap((s) => (s.vpcId ? [s.vpcId] : [])));
  const missing = vpcIds.filter((id) => !expected.includes(id));
  const [first, more] = await Promise.all([early, readRouteTables(ec2, missing)]);
  // The early read counts only where a subnet lies in one of its VPCs.
  const parts = vpcIds.some((id) => expected.includes(id)) ? [first, more] : [more];
  const failed = parts.find((part) => !part.known);
  if (failed) return { subnets, routeTables: failed };
  // Only the tables of the subnets' VPCs, as when they were read by those VPCs alone.
  const tables = parts
    .flatMap((part) => (part.known ? part.value : []))
    .filter((table) => table.vpcId === undefined || vpcIds.includes(table.vpcId));
  return { subnets, routeTables: { known: true, value: tables } };
}

function readRouteTables(ec2: EC2Client, vpcIds: readonly string[]): Promise<Readout<RouteTableInfo[]>> {
  return read('ec2:DescribeRouteTables', vpcIds, (values) => describeRouteTables(ec2, values));
}

/** The cluster and additional security groups of the region's clusters, in one filtered, paginated read. */
export function collectSecurityGroups(
  ec2: EC2Client,
  ids: readonly string[],
): Promise<NetworkSnapshot['securityGroups']> {
  return read('ec2:DescribeSecurityGroups', unique(ids), (values) => describeSecurityGroups(ec2, values));
}

async function read<T>(
  operation: string,
  ids: readonly string[],
  describe: (values: string[]) => Promise<T[]>,
): Promise<Readout<T[]>> {
  const items: T[] = [];
  try {
    for (let i = 0; i < ids.length; i += FILTER_VALUES) {
      items.push(...(await describe(ids.slice(i, i + FILTER_VALUES))));
    }
    return { known: true, value: items };
  } catch (error) {
    return { known: false, reason: `${operation} failed: ${describeAwsError(error)}` };
  }
}

async function describeSubnets(ec2: EC2Client, ids: string[]): Promise<SubnetInfo[]> {
  const found: SubnetInfo[] = [];
  const filters: Filter[] = [{ Name: 'subnet-id', Values: ids }];
  for await (const page of paginateDescribeSubnets({ client: ec2, pageSize: 1000 }, { Filters: filters })) {
    for (const subnet of page.Subnets ?? []) {
      if (!subnet.SubnetId) continue;
      found.push({
        id: subnet.SubnetId,
        ...(subnet.VpcId ? { vpcId: subnet.VpcId } : {}),
        ...(subnet.MapPublicIpOnLaunch === undefined
          ? {}
          : { mapPublicIpOnLaunch: subnet.MapPublicIpOnLaunch }),
      });
    }
  }
  return found;
}

async function describeRouteTables(ec2: EC2Client, vpcIds: string[]): Promise<RouteTableInfo[]> {
  const found: RouteTableInfo[] = [];
  const filters: Filter[] = [{ Name: 'vpc-id', Values: vpcIds }];
  for await (const page of paginateDescribeRouteTables(
    { client: ec2, pageSize: 100 },
    { Filters: filters },
  )) {
    for (const table of page.RouteTables ?? []) {
      if (!table.RouteTableId) continue;
      const associations = table.Associations ?? [];
      found.push({
        id: table.RouteTableId,
        ...(table.VpcId ? { vpcId: table.VpcId } : {}),
        main: associations.some((a) => a.Main === true),
        subnetIds: associations.flatMap((a) => (a.SubnetId ? [a.SubnetId] : [])),
        // Every route to an internet gateway, not only the default ones: 0.0.0.0/1 with 128.0.0.0/1
        // reaches the whole internet as 0.0.0.0/0 does, and the check judges what they cover together.
        internetRoutes: (table.Routes ?? []).flatMap((route) => {
          const destination = route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock;
          const gateway = route.GatewayId;
          // A blackhole route's target is gone: it sends nothing anywhere.
          if (!destination || !gateway?.startsWith('igw-') || route.State === 'blackhole') return [];
          return [{ destination, gatewayId: gateway }];
        }),
      });
    }
  }
  return found;
}

async function describeSecurityGroups(ec2: EC2Client, ids: string[]): Promise<SecurityGroupInfo[]> {
  const found: SecurityGroupInfo[] = [];
  const filters: Filter[] = [{ Name: 'group-id', Values: ids }];
  for await (const page of paginateDescribeSecurityGroups(
    { client: ec2, pageSize: 1000 },
    { Filters: filters },
  )) {
    for (const group of page.SecurityGroups ?? []) {
      if (!group.GroupId) continue;
      found.push({
        id: group.GroupId,
        ...(group.GroupName ? { name: group.GroupName } : {}),
        ingress: (group.IpPermissions ?? []).map((permission) => ({
          ...(permission.IpProtocol === undefined ? {} : { protocol: permission.IpProtocol }),
          ...(permission.FromPort === undefined ? {} : { fromPort: permission.FromPort }),
          ...(permission.ToPort === undefined ? {} : { toPort: permission.ToPort }),
          cidrs: [
            ...(permission.IpRanges ?? []).flatMap((r) => (r.CidrIp ? [r.CidrIp] : [])),
            ...(permission.Ipv6Ranges ?? []).flatMap((r) => (r.CidrIpv6 ? [r.CidrIpv6] : [])),
          ],
          ...(permission.PrefixListIds?.length
            ? {
                prefixListIds: permission.PrefixListIds.flatMap((p) =>
                  p.PrefixListId ? [p.PrefixListId] : [],
                ),
              }
            : {}),
        })),
      });
    }
  }
  return found;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
