import { describe, expect, it } from 'vitest';
import {
  ALL_ADDRESSES,
  contains,
  coverage,
  covers,
  coversFamily,
  essential,
  parseCidr,
  pieces,
  readCidrs,
  type Span,
  union,
} from '../../../lambda/net/cidr';

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

const span = (first: number, last: number): Span => ({ first: BigInt(first), last: BigInt(last) });
const PORTS = span(0, 65535);

describe('Function: union', () => {
  it('joins overlapping and touching spans and sorts them', () => {
    expect(union([span(1024, 65535), span(0, 1023), span(10, 20)])).toEqual([span(0, 65535)]);
    expect(union([span(30, 40), span(0, 10), span(5, 12)])).toEqual([span(0, 12), span(30, 40)]);
  });

  it('gives nothing for nothing', () => {
    expect(union([])).toEqual([]);
  });
});

describe('Function: covers', () => {
  it('judges ports as it judges addresses: 0-1023 with 1024-65535 is every port', () => {
    expect(covers([span(0, 1023), span(1024, 65535)], PORTS)).toBe(true);
    expect(covers([span(0, 442), span(444, 65535)], PORTS)).toBe(false);
  });

  it('covers every IPv4 address with the /1 halves, in any order, and not with one', () => {
    const halves = [parseCidr('128.0.0.0/1'), parseCidr('0.0.0.0/1')];
    expect(covers(halves, ALL_ADDRESSES[4])).toBe(true);
    expect(covers(halves.slice(1), ALL_ADDRESSES[4])).toBe(false);
  });

  it('never covers with no spans', () => {
    expect(covers([], PORTS)).toBe(false);
  });
});

describe('Function: coversFamily', () => {
  it('counts only ranges of the family asked: an IPv4 half does not complete an IPv6 half', () => {
    const ranges = [parseCidr('0.0.0.0/1'), parseCidr('8000::/1')];
    expect(coversFamily(ranges, 4)).toBe(false);
    expect(coversFamily(ranges, 6)).toBe(false);
    expect(coversFamily([...ranges, parseCidr('::/1')], 6)).toBe(true);
  });
});

describe('Function: pieces', () => {
  it('cuts the whole at every edge, so each piece is inside or outside each span', () => {
    expect(pieces([span(400, 500), span(443, 600)], PORTS)).toEqual([
      span(0, 399),
      span(400, 442),
      span(443, 500),
      span(501, 600),
      span(601, 65535),
    ]);
  });

  it('ignores the parts of spans outside the whole and gives the whole for no spans', () => {
    expect(pieces([span(-5, 10)], span(0, 20))).toEqual([span(0, 10), span(11, 20)]);
    expect(pieces([], span(0, 0))).toEqual([span(0, 0)]);
  });
});

describe('Function: contains', () => {
  it('holds a span inside it, edges included', () => {
    expect(contains(span(0, 1023), span(443, 443))).toBe(true);
    expect(contains(span(0, 1023), span(1000, 1024))).toBe(false);
  });
});

describe('Function: essential', () => {
  it('keeps only the blocks that matter, the earlier over the later', () => {
    const blocks = ['10.0.0.0/8', '0.0.0.0/1', '0.0.0.0/2', '128.0.0.0/1'].map(parseCidr);
    expect(essential(blocks, (b) => b, ALL_ADDRESSES[4])).toEqual([blocks[1], blocks[3]]);
  });

  it('keeps every entry when all are needed', () => {
    const blocks = ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/1'].map(parseCidr);
    expect(essential(blocks, (b) => b, ALL_ADDRESSES[4])).toEqual(blocks);
  });
});

describe('Function: readCidrs', () => {
  it('keeps each block as written, with its range, and the reason for the others', () => {
    expect(readCidrs(['::/1', 'banana'])).toEqual({
      blocks: [{ cidr: '::/1', range: { family: 6, first: 0n, last: (1n << 127n) - 1n } }],
      invalid: ["'banana' is not a CIDR block"],
    });
  });
});
