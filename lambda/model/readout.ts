/**
 * The one shape of partial knowledge: what the collector read, or why it could not. Every list,
 * description or state that AWS may fail to give is a `Readout`; nothing is ever guessed in its place.
 */
export type Readout<T> =
  | { readonly known: true; readonly value: T }
  | { readonly known: false; readonly reason: string };

export function known<T>(value: T): Readout<T> {
  return { known: true, value };
}

export function unknown(reason: string): Readout<never> {
  return { known: false, reason };
}
