import ipaddr from 'ipaddr.js';

export interface AddressRange {
  readonly family: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
}

const FAMILY_BITS = { 4: 32, 6: 128 } as const;

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
  const invalid: string[] = [];
  const ranges: AddressRange[] = [];
  for (const cidr of cidrs) {
    try {
      ranges.push(parseCidr(cidr));
    } catch (error) {
      invalid.push((error as Error).message);
    }
  }
  return { allIpv4: coversFamily(ranges, 4), allIpv6: coversFamily(ranges, 6), invalid };
}

function coversFamily(ranges: readonly AddressRange[], family: 4 | 6): boolean {
  const sorted = ranges.filter((r) => r.family === family).sort((a, b) => (a.first < b.first ? -1 : 1));
  const end = (1n << BigInt(FAMILY_BITS[family])) - 1n;
  let next = 0n; // lowest address not yet covered
  for (const range of sorted) {
    if (range.first > next) return false;
    if (range.last >= next) next = range.last + 1n;
    if (next > end) return true;
  }
  return false;
}
