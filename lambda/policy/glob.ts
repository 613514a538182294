/** IAM's wildcard matching, as policies use it for ARNs, actions and condition values. */

/** IAM glob: `*` any run of characters, `?` one character; everything else literal. */
export function globToRegExp(glob: string, ignoreCase: boolean): RegExp {
  const source = [...glob]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
}

/**
 * The states a glob's automaton can be in after reading `char` from `states` (positions in the
 * glob; position `length` is the end). `*` may match nothing, so a state at a `*` also stands for
 * the position after it.
 */
function step(glob: readonly string[], states: ReadonlySet<number>, char: string): Set<number> {
  const next = new Set<number>();
  for (const i of states) {
    const c = glob[i];
    if (c === '*') next.add(i);
    else if (c === '?' || c === char) next.add(i + 1);
  }
  return closure(glob, next);
}

function closure(glob: readonly string[], states: Set<number>): Set<number> {
  for (const i of [...states]) {
    for (let j = i; glob[j] === '*'; j++) states.add(j + 1);
  }
  return states;
}

/**
 * Walks the two globs' automata together over every string (their literal characters and one
 * character neither holds stand for all others) and says whether some string ends where `found`
 * says. Both automata are finite and small, so this ends.
 */
function someString(a: string, b: string, found: (inA: boolean, inB: boolean) => boolean): boolean {
  const ga = [...a];
  const gb = [...b];
  const alphabet = [...new Set([...ga, ...gb].filter((c) => c !== '*' && c !== '?'))];
  const other = [...'\u0000\u0001\u0002'].find((c) => !alphabet.includes(c)) ?? '\u0003';
  alphabet.push(other);
  const start: [Set<number>, Set<number>] = [closure(ga, new Set([0])), closure(gb, new Set([0]))];
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const [sa, sb] = queue.pop() ?? start;
    const id = `${[...sa].sort().join(',')}|${[...sb].sort().join(',')}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (found(sa.has(ga.length), sb.has(gb.length))) return true;
    if (sa.size === 0 && sb.size === 0) continue;
    for (const c of alphabet) queue.push([step(ga, sa, c), step(gb, sb, c)]);
  }
  return false;
}

/** Whether every string `inner` matches, `outer` matches too (case-sensitive, as `StringLike`). */
export function globIncludes(outer: string, inner: string): boolean {
  return !someString(inner, outer, (inInner, inOuter) => inInner && !inOuter);
}

/** Whether some string matches both globs (case-sensitive, as `StringLike`). */
export function globsIntersect(a: string, b: string): boolean {
  return someString(a, b, (inA, inB) => inA && inB);
}
