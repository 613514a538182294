/**
 * Address sets: what CIDR blocks (and, with the same arithmetic, port ranges) admit, judged by the
 * integers they hold and never by how they are spelled. The one implementation every network check uses.
 */
import ipaddr from 'ipaddr.js';

/** A closed range of integers: addresses of one family, or ports. */
export interface Span {
  readonly first: bigint;
  readonly last: bigint;
}

export interface AddressRange extends Span {
  readonly family: 4 | 6;
}

const FAMILY_BITS = { 4: 32, 6: 128 } as const;

/** Every address of each family: 0.0.0.0/0 and ::/0. */
export const ALL_ADDRESSES: Readonly<Record<4 | 6, Span>> = {
  4: { first: 0n, last: (1n << 32n) - 1n },
  6: { first: 0n, last: (1n << 128n) - 1n },
};

/** Parses `a.b.c.d/n` or an IPv6 CIDR into the range of addresses it allows (host bits are ignored, as EKS does). */
export function parseCidr(text: string): AddressRange {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(text.trim());
  } catch {
    throw new Error(`'${text}' is not a CIDR block`);
  }
  const [address, prefix] = parsed;
  const family = address.kind() === 'ipv4' ? 4 : 6;
  const bits = FAMILY_BITS[family];
  let value = 0n;
  for (const byte of address.toByteArray()) value = (value << 8n) | BigInt(byte);
  const hostBits = BigInt(bits - prefix);
  const first = (value >> hostBits) << hostBits;
  return { family, first, last: first + (1n << hostBits) - 1n };
}

export interface CidrBlock {
  /** The block as written. */
  readonly cidr: string;
  readonly range: AddressRange;
}

/** Each entry parsed, or kept with the reason it is not a CIDR block. */
export function readCidrs(cidrs: readonly string[]): {
  readonly blocks: readonly CidrBlock[];
  readonly invalid: readonly string[];
} {
  const blocks: CidrBlock[] = [];
  const invalid: string[] = [];
  for (const cidr of cidrs) {
    try {
      blocks.push({ cidr, range: parseCidr(cidr) });
    } catch (error) {
      invalid.push((error as Error).message);
    }
  }
  return { blocks, invalid };
}

/** Whether the ranges of one family together hold every address of it. */
export function coversFamily(ranges: readonly AddressRange[], family: 4 | 6): boolean {
  const own = ranges.filter((r) => r.family === family);
  return covers(own, ALL_ADDRESSES[family]);
}

export interface Coverage {
  /** The blocks together allow every IPv4 address. */
  readonly allIpv4: boolean;
  /** The blocks together allow every IPv6 address. */
  readonly allIpv6: boolean;
  /** Entries that are not CIDR blocks, with the reason. */
  readonly invalid: readonly string[];
}

/**
 * Judges what a list of CIDR blocks allows, not how it is spelled: `0.0.0.0/1` and `128.0.0.0/1`
 * together are the whole IPv4 internet, exactly as `0.0.0.0/0` is.
 */
export function coverage(cidrs: readonly string[]): Coverage {
  const { blocks, invalid } = readCidrs(cidrs);
  const ranges = blocks.map((b) => b.range);
  return { allIpv4: coversFamily(ranges, 4), allIpv6: coversFamily(ranges, 6), invalid };
}

/** The spans as a set: sorted, disjoint, with overlapping and touching spans joined. */
export function union(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => compare(a.first, b.first));
  const merged: { first: bigint; last: bigint }[] = [];
  for (const span of sorted) {
    const previous = merged.at(-1);
    if (previous !== undefined && span.first <= previous.last + 1n) {
      if (span.last > previous.last) previous.last = span.last;
    } else {
      merged.push({ first: span.first, last: span.last });
    }
  }
  return merged;
}

/** Whether the spans together hold every integer of `whole`. */
export function covers(spans: readonly Span[], whole: Span): boolean {
  return union(spans).some((s) => s.first <= whole.first && s.last >= whole.last);
}

/**
 * `whole` cut at the edges of every span, so that each piece lies entirely inside or entirely
 * outside each span: a sweep over these pieces sees every distinct combination of the spans.
 */
export function pieces(spans: readonly Span[], whole: Span): Span[] {
  const cuts = new Set<bigint>([whole.first, whole.last + 1n]);
  for (const span of spans) {
    if (span.first > whole.first && span.first <= whole.last) cuts.add(span.first);
    if (span.last >= whole.first && span.last < whole.last) cuts.add(span.last + 1n);
  }
  const sorted = [...cuts].sort(compare);
  return sorted.slice(0, -1).map((first, i) => ({ first, last: (sorted[i + 1] ?? first + 1n) - 1n }));
}

/** Whether `outer` holds every integer of `inner`. */
export function contains(outer: Span, inner: Span): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

/**
 * Of entries that together cover `whole`, a subset that still does and of which none can be left
 * out: the entries that matter, for naming in a finding. Earlier entries are kept over later ones.
 */
export function essential<T>(entries: readonly T[], spanOf: (entry: T) => Span, whole: Span): T[] {
  const kept = [...entries];
  for (let i = kept.length - 1; i >= 0; i--) {
    const without = kept.filter((_, j) => j !== i);
    if (covers(without.map(spanOf), whole)) kept.splice(i, 1);
  }
  return kept;
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
