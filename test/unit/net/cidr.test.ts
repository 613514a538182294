import { describe, expect, it } from 'vitest';
import { coverage, parseCidr } from '../../../lambda/net/cidr';

describe('Function: coverage', () => {
  it.each([
    [['0.0.0.0/0'], true],
    [['0.0.0.0/1', '128.0.0.0/1'], true],
    [['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/1'], true],
    [['0.0.0.0/1', '128.0.0.0/2'], false],
    [['0.0.0.0/1', '127.0.0.0/8', '128.0.0.0/1'], true],
    [['10.0.0.0/8'], false],
    [['255.255.255.255/32', '0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/2'], true],
  ])('IPv4 %j covers everything: %s', (cidrs, expected) => {
    expect(coverage(cidrs).allIpv4).toBe(expected);
  });

  it('judges IPv6 on its own', () => {
    expect(coverage(['::/1', '8000::/1'])).toMatchObject({ allIpv4: false, allIpv6: true });
    expect(coverage(['2001:db8::/32'])).toMatchObject({ allIpv4: false, allIpv6: false });
  });

  it('ignores host bits as EKS does', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 4, first: 0x0a000000n, last: 0x0affffffn });
    expect(coverage(['1.2.3.4/0']).allIpv4).toBe(true);
  });

  it('reports entries that are not CIDR blocks', () => {
    expect(coverage(['0.0.0.0/0', '300.1.1.1/8', '']).invalid).toEqual([
      "'300.1.1.1/8' is not a CIDR block",
      "'' is not a CIDR block",
    ]);
  });
});
