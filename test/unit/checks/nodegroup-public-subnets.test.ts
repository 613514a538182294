import { describe, expect, it } from 'vitest';
import { nodegroupPublicSubnets } from '../../../lambda/checks/nodegroup-public-subnets';
import type { NetworkSnapshot, RouteTableInfo, SubnetInfo } from '../../../lambda/model/snapshot';
import { aContext, aNodegroup, NETWORK, PRIVATE_SUBNETS, VPC_ID } from '../../support/factories';

const PUBLIC_SUBNET = 'subnet-0ccc3333';
const OTHER_VPC = 'vpc-0ffffeeeeddddcccc';

const subnet = (id: string, overrides: Partial<SubnetInfo> = {}): SubnetInfo => ({
  id,
  vpcId: VPC_ID,
  mapPublicIpOnLaunch: false,
  ...overrides,
});

const table = (id: string, overrides: Partial<RouteTableInfo> = {}): RouteTableInfo => ({
  id,
  vpcId: VPC_ID,
  main: false,
  subnetIds: [],
  internetRoutes: [],
  ...overrides,
});

const igw = (destination: string) => ({ destination, gatewayId: 'igw-0123456789abcdef0' });

/** The factory network with more subnets and route tables. */
const network = (subnets: SubnetInfo[], tables: RouteTableInfo[] = []): NetworkSnapshot => ({
  ...NETWORK,
  subnets: NETWORK.subnets.known
    ? { known: true, value: [...NETWORK.subnets.value, ...subnets] }
    : NETWORK.subnets,
  routeTables: NETWORK.routeTables.known
    ? { known: true, value: [...NETWORK.routeTables.value, ...tables] }
    : NETWORK.routeTables,
});

const evaluate = (subnets: readonly string[], net: NetworkSnapshot | undefined) =>
  nodegroupPublicSubnets.evaluate(aNodegroup({ subnets }), aContext({ network: net }));

describe('Check: nodegroup-public-subnets', () => {
  it('passes when every subnet is private, naming them', () => {
    const outcome = evaluate(PRIVATE_SUBNETS, NETWORK);
    expect(outcome).toMatchObject({ status: 'PASSED', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain(PRIVATE_SUBNETS.join(', '));
  });

  it('fails MEDIUM when a subnet maps public IP addresses on launch, naming the subnet', () => {
    const outcome = evaluate(
      [...PRIVATE_SUBNETS, PUBLIC_SUBNET],
      network(
        [subnet(PUBLIC_SUBNET, { mapPublicIpOnLaunch: true })],
        [table('rtb-0nat', { subnetIds: [PUBLIC_SUBNET] })],
      ),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain(`${PUBLIC_SUBNET} maps public IP addresses on launch`);
    expect(outcome.detail).not.toContain(PRIVATE_SUBNETS[0]);
  });

  it.each(['0.0.0.0/0', '::/0'])(
    'fails MEDIUM when the associated route table sends %s to an internet gateway',
    (destination) => {
      const outcome = evaluate(
        [PUBLIC_SUBNET],
        network(
          [subnet(PUBLIC_SUBNET)],
          [table('rtb-0public', { subnetIds: [PUBLIC_SUBNET], internetRoutes: [igw(destination)] })],
        ),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome.detail).toContain(PUBLIC_SUBNET);
      expect(outcome.detail).toContain(`routes ${destination} to internet gateway igw-0123456789abcdef0`);
      expect(outcome.detail).toContain('rtb-0public');
      expect(outcome.detail).not.toContain('main route table');
    },
  );

  it('gives every reason a subnet is public', () => {
    const outcome = evaluate(
      [PUBLIC_SUBNET],
      network(
        [subnet(PUBLIC_SUBNET, { mapPublicIpOnLaunch: true })],
        [
          table('rtb-0public', {
            subnetIds: [PUBLIC_SUBNET],
            internetRoutes: [igw('0.0.0.0/0'), igw('::/0')],
          }),
        ],
      ),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain('maps public IP addresses on launch and routes 0.0.0.0/0');
    expect(outcome.detail).toContain('::/0');
  });

  describe('a subnet with no explicit route table association', () => {
    const publicMain: NetworkSnapshot = {
      ...NETWORK,
      subnets: { known: true, value: [subnet(PUBLIC_SUBNET)] },
      routeTables: {
        known: true,
        value: [table('rtb-0main', { main: true, internetRoutes: [igw('0.0.0.0/0')] })],
      },
    };

    it("uses its VPC's main route table, and fails when that table is public", () => {
      const outcome = evaluate([PUBLIC_SUBNET], publicMain);
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome.detail).toContain(PUBLIC_SUBNET);
      expect(outcome.detail).toContain('rtb-0main, the main route table');
    });

    it('is governed by an explicit association to a private table instead of a public main table', () => {
      const routeTables: NetworkSnapshot['routeTables'] = {
        known: true,
        value: [
          table('rtb-0main', { main: true, internetRoutes: [igw('0.0.0.0/0')] }),
          table('rtb-0private', { subnetIds: [PUBLIC_SUBNET] }),
        ],
      };
      expect(evaluate([PUBLIC_SUBNET], { ...publicMain, routeTables })).toMatchObject({ status: 'PASSED' });
    });

    it("ignores another VPC's main route table", () => {
      const outcome = evaluate([PUBLIC_SUBNET], {
        ...publicMain,
        routeTables: {
          known: true,
          value: [
            table('rtb-0othermain', { vpcId: OTHER_VPC, main: true, internetRoutes: [igw('0.0.0.0/0')] }),
            table('rtb-0main', { main: true }),
          ],
        },
      });
      expect(outcome).toMatchObject({ status: 'PASSED' });
    });

    it('is not available when its VPC has no main route table in the readout', () => {
      const outcome = evaluate([PUBLIC_SUBNET], {
        ...publicMain,
        routeTables: {
          known: true,
          value: [table('rtb-0othermain', { vpcId: OTHER_VPC, main: true })],
        },
      });
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain(PUBLIC_SUBNET);
      expect(outcome.detail).toContain('main route table');
    });
  });

  describe('routes judged by the addresses they cover together', () => {
    const associated = (...internetRoutes: RouteTableInfo['internetRoutes']) =>
      network([subnet(PUBLIC_SUBNET)], [table('rtb-0split', { subnetIds: [PUBLIC_SUBNET], internetRoutes })]);

    it('fails MEDIUM on 0.0.0.0/1 and 128.0.0.0/1 to an internet gateway, naming both routes', () => {
      const outcome = evaluate([PUBLIC_SUBNET], associated(igw('0.0.0.0/1'), igw('128.0.0.0/1')));
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome.detail).toContain(
        `${PUBLIC_SUBNET} routes 0.0.0.0/1, 128.0.0.0/1 to internet gateway igw-0123456789abcdef0 (rtb-0split, together every IPv4 address)`,
      );
    });

    it('fails MEDIUM on ::/1 and 8000::/1 to an internet gateway', () => {
      const outcome = evaluate([PUBLIC_SUBNET], associated(igw('::/1'), igw('8000::/1')));
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome.detail).toContain('together every IPv6 address');
    });

    it('names both gateways when the halves go to two internet gateways', () => {
      const outcome = evaluate(
        [PUBLIC_SUBNET],
        associated(igw('0.0.0.0/1'), { destination: '128.0.0.0/1', gatewayId: 'igw-0fedcba9876543210' }),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome.detail).toContain('to internet gateways igw-0123456789abcdef0, igw-0fedcba9876543210');
    });

    it('fails on halves in the main route table of a subnet with no association', () => {
      const outcome = evaluate([PUBLIC_SUBNET], {
        ...NETWORK,
        subnets: { known: true, value: [subnet(PUBLIC_SUBNET)] },
        routeTables: {
          known: true,
          value: [table('rtb-0main', { main: true, internetRoutes: [igw('0.0.0.0/1'), igw('128.0.0.0/1')] })],
        },
      });
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome.detail).toContain('(rtb-0main, the main route table, together every IPv4 address)');
    });

    it('names only the routes that matter', () => {
      const outcome = evaluate(
        [PUBLIC_SUBNET],
        associated(igw('203.0.113.0/24'), igw('0.0.0.0/1'), igw('128.0.0.0/1')),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome.detail).not.toContain('203.0.113.0/24');
    });

    // The NAT route is not an internet route: the collector keeps only routes to an igw-.
    it.each([
      ['one half to an internet gateway (the other to a NAT gateway)', [igw('0.0.0.0/1')]],
      ['an internet gateway route to part of the internet', [igw('203.0.113.0/24'), igw('64.0.0.0/2')]],
      ['an IPv4 half and an IPv6 half', [igw('0.0.0.0/1'), igw('8000::/1')]],
      ['no internet route (blackhole routes are not kept)', []],
    ])('passes a subnet with %s', (_, routes) => {
      expect(evaluate([PUBLIC_SUBNET], associated(...routes))).toMatchObject({ status: 'PASSED' });
    });

    it('is not available when a route to an internet gateway has a destination that is not a CIDR block', () => {
      const outcome = evaluate([PUBLIC_SUBNET], associated(igw('0.0.0.0/1'), igw('128.0.0.0/33')));
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain(
        "routes to an internet gateway in rtb-0split: '128.0.0.0/33' is not a CIDR block",
      );
    });

    it('still fails a subnet public by its routes when another route is unreadable', () => {
      const outcome = evaluate([PUBLIC_SUBNET], associated(igw('0.0.0.0/0'), igw('bogus')));
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    });
  });

  it('is not available, with the reason, when the subnets could not be read', () => {
    const outcome = evaluate(PRIVATE_SUBNETS, {
      ...NETWORK,
      subnets: { known: false, reason: 'AccessDenied on ec2:DescribeSubnets' },
    });
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain('AccessDenied on ec2:DescribeSubnets');
  });

  it('is not available, with the reason, when the route tables could not be read', () => {
    const outcome = evaluate(PRIVATE_SUBNETS, {
      ...NETWORK,
      routeTables: { known: false, reason: 'AccessDenied on ec2:DescribeRouteTables' },
    });
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('AccessDenied on ec2:DescribeRouteTables');
  });

  it('still fails a subnet that maps public IPs when the route tables could not be read', () => {
    const outcome = evaluate([PUBLIC_SUBNET], {
      ...NETWORK,
      subnets: { known: true, value: [subnet(PUBLIC_SUBNET, { mapPublicIpOnLaunch: true })] },
      routeTables: { known: false, reason: 'AccessDenied on ec2:DescribeRouteTables' },
    });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
  });

  it('is not available when a subnet was not returned by DescribeSubnets', () => {
    const outcome = evaluate([...PRIVATE_SUBNETS, 'subnet-0ddd4444'], NETWORK);
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('subnet-0ddd4444 (ec2:DescribeSubnets did not return it)');
  });

  it('fails on a public subnet even when another could not be judged, and names the one not judged', () => {
    const outcome = evaluate(
      [PUBLIC_SUBNET, 'subnet-0ddd4444'],
      network([subnet(PUBLIC_SUBNET, { mapPublicIpOnLaunch: true })]),
    );
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain(PUBLIC_SUBNET);
    expect(outcome.detail).toContain('Not judged: subnet-0ddd4444');
  });

  it.each([
    ['an empty subnet list', []],
    ['no subnet list', undefined],
  ])('is not available when DescribeNodegroup returned %s', (_, subnets) => {
    const { subnets: _omit, ...nodegroup } = aNodegroup();
    const outcome = nodegroupPublicSubnets.evaluate(
      subnets === undefined ? nodegroup : { ...nodegroup, subnets },
      aContext(),
    );
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('no subnets');
  });

  it("is not available when the region's network was not read", () => {
    const outcome = evaluate(PRIVATE_SUBNETS, undefined);
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('not read');
  });
});
