/** IAM's wildcard matching, as policies use it for ARNs, actions and condition values. */

/** IAM glob: `*` any run of characters, `?` one character; everything else literal. */
export function globToRegExp(glob: string, ignoreCase: boolean): RegExp {
  const source = [...glob]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
}
