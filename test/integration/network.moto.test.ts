/**
 * Networks judged by the addresses they admit, end to end against moto_server: security group rules
 * of all a cluster's groups together, and a subnet's routes to an internet gateway together.
 */
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { nodegroupPublicSubnets } from '../../lambda/checks/nodegroup-public-subnets';
import { collectSubnetRoutes } from '../../lambda/collect/network';
import type { CheckResult } from '../../lambda/model/result';
import { DEFAULT_SCAN_CONFIG } from '../../lambda/scan/config';
import { runScan } from '../../lambda/scan/scan';
import { scannerClients, seedClients } from '../../scripts/emulator/clients';
import { createCluster, createNodegroup } from '../../scripts/emulator/demo-account';
import { aContext, aNodegroup, NETWORK } from '../support/factories';
import { useMoto } from '../support/moto-hooks';

const moto = useMoto({ resetEachTest: true });

const REGION = 'us-east-1';
const NOW = new Date('2026-11-23T12:00:00Z');
const HALVES = ['0.0.0.0/1', '128.0.0.0/1'] as const;

function required(value: string | undefined, what: string): string {
  if (!value) throw new Error(`moto returned no ${what}`);
  return value;
}

const https = (cidr: string, port = 443): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  IpRanges: [{ CidrIp: cidr }],
});

/** A VPC with an attached internet gateway and one subnet on a route table of its own. */
async function seedVpc(ec2: EC2Client) {
  const vpcId = required(
    (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId,
    'VPC id',
  );
  const subnetId = required(
    (
      await ec2.send(
        new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: `${REGION}a` }),
      )
    ).Subnet?.SubnetId,
    'subnet id',
  );
  const gatewayId = required(
    (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway?.InternetGatewayId,
    'internet gateway id',
  );
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: gatewayId, VpcId: vpcId }));
  const routeTableId = required(
    (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable?.RouteTableId,
    'route table id',
  );
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnetId }));
  return { vpcId, subnetId, gatewayId, routeTableId };
}

async function securityGroup(ec2: EC2Client, vpcId: string, name: string, ...rules: IpPermission[]) {
  const groupId = required(
    (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId })))
      .GroupId,
    'security group id',
  );
  // One call per rule, as separate console or IaC edits make them.
  for (const rule of rules) {
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [rule] }));
  }
  return groupId;
}

/** A cluster on the given groups (moto's CreateCluster takes them unvalidated) with one node group. */
async function seedCluster(subnetId: string, securityGroupIds: string[]) {
  const clients = seedClients(moto.endpoint);
  await createCluster(clients, {
    name: 'split',
    region: REGION,
    version: '1.33',
    publicAccess: false,
    privateAccess: true,
    subnetIds: [subnetId],
    securityGroupIds,
  });
  await createNodegroup(clients, { cluster: 'split', region: REGION, name: 'workers', subnets: [subnetId] });
}

async function scan() {
  const { clients, apiCalls } = scannerClients(moto.endpoint);
  const { report } = await runScan({
    accounts: [{ clients }],
    apiCalls,
    homeRegion: REGION,
    regions: [REGION],
    config: DEFAULT_SCAN_CONFIG,
    clock: () => NOW,
  });
  return report.results;
}

function resultOf(results: readonly CheckResult[], checkId: string): CheckResult {
  const result = results.find((r) => r.checkId === checkId);
  if (result === undefined) throw new Error(`no ${checkId} result`);
  return result;
}

describe('Scan: networks on moto, judged by the addresses they admit', () => {
  it('fails HIGH on /1 halves on 443 in two groups, and MEDIUM on /1 halves routed to an internet gateway', async () => {
    const ec2 = seedClients(moto.endpoint).ec2(REGION);
    const { vpcId, subnetId, gatewayId, routeTableId } = await seedVpc(ec2);
    for (const half of HALVES) {
      await ec2.send(
        new CreateRouteCommand({
          RouteTableId: routeTableId,
          DestinationCidrBlock: half,
          GatewayId: gatewayId,
        }),
      );
    }
    const lower = await securityGroup(ec2, vpcId, 'lower-half', https('0.0.0.0/1'));
    const upper = await securityGroup(ec2, vpcId, 'upper-half', https('128.0.0.0/1'));
    await seedCluster(subnetId, [lower, upper]);

    const results = await scan();

    const groups = resultOf(results, 'cluster-security-group');
    expect(groups).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(groups.detail).toContain(
      `${lower} (lower-half) tcp port 443 from 0.0.0.0/1 and ${upper} (upper-half) tcp port 443 from 128.0.0.0/1 (together every IPv4 address on tcp port 443)`,
    );
    const subnets = resultOf(results, 'nodegroup-public-subnets');
    expect(subnets).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(subnets.detail).toContain(
      `${subnetId} routes 0.0.0.0/1, 128.0.0.0/1 to internet gateway ${gatewayId} (${routeTableId}, together every IPv4 address)`,
    );
  });

  it('passes halves on different ports, and halves of which only one goes to the internet gateway', async () => {
    const ec2 = seedClients(moto.endpoint).ec2(REGION);
    const { vpcId, subnetId, gatewayId, routeTableId } = await seedVpc(ec2);
    const allocation = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const natGatewayId = required(
      (
        await ec2.send(
          new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: allocation.AllocationId }),
        )
      ).NatGateway?.NatGatewayId,
      'NAT gateway id',
    );
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: routeTableId,
        DestinationCidrBlock: '0.0.0.0/1',
        GatewayId: gatewayId,
      }),
    );
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: routeTableId,
        DestinationCidrBlock: '128.0.0.0/1',
        NatGatewayId: natGatewayId,
      }),
    );
    const api = await securityGroup(ec2, vpcId, 'api-half', https('0.0.0.0/1'));
    const ssh = await securityGroup(ec2, vpcId, 'ssh-half', https('128.0.0.0/1', 22));
    await seedCluster(subnetId, [api, ssh]);

    const results = await scan();

    expect(resultOf(results, 'cluster-security-group')).toMatchObject({ status: 'PASSED' });
    expect(resultOf(results, 'nodegroup-public-subnets')).toMatchObject({ status: 'PASSED' });
  });

  it('fails HIGH on halves authorized in two calls on one group (moto merges them into one rule, as AWS does)', async () => {
    const ec2 = seedClients(moto.endpoint).ec2(REGION);
    const { vpcId, subnetId } = await seedVpc(ec2);
    const group = await securityGroup(ec2, vpcId, 'both-halves', https('0.0.0.0/1'), https('128.0.0.0/1'));
    const described = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [group] }));
    expect(described.SecurityGroups?.[0]?.IpPermissions).toHaveLength(1);
    await seedCluster(subnetId, [group]);

    const results = await scan();

    const groups = resultOf(results, 'cluster-security-group');
    expect(groups).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(groups.detail).toContain('0.0.0.0/1, 128.0.0.0/1 (every IPv4 address)');
  });

  it('keeps every route to an internet gateway as moto returns it, the two /1 halves included', async () => {
    const ec2 = seedClients(moto.endpoint).ec2(REGION);
    const { subnetId, gatewayId, routeTableId } = await seedVpc(ec2);
    for (const half of HALVES) {
      await ec2.send(
        new CreateRouteCommand({
          RouteTableId: routeTableId,
          DestinationCidrBlock: half,
          GatewayId: gatewayId,
        }),
      );
    }

    const { routeTables } = await collectSubnetRoutes(ec2, [subnetId]);

    expect(routeTables.known && routeTables.value.find((t) => t.id === routeTableId)).toMatchObject({
      subnetIds: [subnetId],
      internetRoutes: HALVES.map((destination) => ({ destination, gatewayId })),
    });
  });
});

// moto never reports a route as blackhole (a route to a deleted NAT gateway, network interface or
// internet gateway stays active), so the collector's handling of one is shown on a mocked client, in
// the shape of the EC2 API reference: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html
describe('Function: collectSubnetRoutes with blackhole routes', () => {
  const SUBNET = 'subnet-0aaa1111';
  const VPC = 'vpc-0a1b2c3d4e5f60718';
  const GATEWAY = 'igw-0123456789abcdef0';

  async function collect(routes: { destination: string; state: 'active' | 'blackhole' }[]) {
    const ec2 = new EC2Client({ region: REGION });
    const mock = mockClient(ec2);
    mock.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: SUBNET, VpcId: VPC }] });
    mock.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          RouteTableId: 'rtb-0split',
          VpcId: VPC,
          Associations: [{ Main: false, SubnetId: SUBNET }],
          Routes: [
            { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
            ...routes.map((r) => ({
              DestinationCidrBlock: r.destination,
              GatewayId: GATEWAY,
              State: r.state,
            })),
            // A prefix-list destination names no CIDR block: not an address range the check can judge.
            { DestinationPrefixListId: 'pl-0123abcd', GatewayId: GATEWAY, State: 'active' },
          ],
        },
      ],
    });
    const network = { ...NETWORK, ...(await collectSubnetRoutes(ec2, [SUBNET])) };
    mock.restore();
    return {
      network,
      outcome: nodegroupPublicSubnets.evaluate(aNodegroup({ subnets: [SUBNET] }), aContext({ network })),
    };
  }

  it('never makes a subnet public through blackhole halves', async () => {
    const { network, outcome } = await collect(
      HALVES.map((destination) => ({ destination, state: 'blackhole' })),
    );
    expect(network.routeTables.known && network.routeTables.value[0]?.internetRoutes).toEqual([]);
    expect(outcome).toMatchObject({ status: 'PASSED' });
  });

  it('does not complete an active half with a blackhole half', async () => {
    const { outcome } = await collect([
      { destination: '0.0.0.0/1', state: 'active' },
      { destination: '128.0.0.0/1', state: 'blackhole' },
    ]);
    expect(outcome).toMatchObject({ status: 'PASSED' });
  });

  it('makes a subnet public through active halves', async () => {
    const { outcome } = await collect(HALVES.map((destination) => ({ destination, state: 'active' })));
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
  });
});
