/**
 * Accepted risks: a mutelist says which results are known and accepted, by whom's reason and until
 * when. A muted result keeps its real status and severity; it only stops failing the run and
 * alerting. Entries are validated once, as a whole, before any AWS call; matching is a pure
 * function of a result, its cluster's tags and the day.
 *
 * An entry matches a result when every selector it gives matches (checks always; accounts,
 * regions, resources and clusterTags when given). Inside one selector any listed value may match,
 * except clusterTags, where every listed tag must be on the cluster. The first matching entry that
 * has not expired mutes the result.
 */
import * as z from 'zod/mini';
import '../zod-messages';
import { ConfigError } from '../errors';
import type { CheckResult, Mute } from '../model/result';
import { globToRegExp } from '../policy/glob';

export interface MutelistEntry {
  /** Check ids, or `*` for every check. */
  readonly checks: readonly string[];
  /** 12-digit account ids, or globs of them (`*` and `?`). */
  readonly accounts?: readonly string[];
  /** Region names, or globs of them. */
  readonly regions?: readonly string[];
  /** Globs over the resource's ARN or its name (a node group's name is `<cluster>/<node group>`). */
  readonly resources?: readonly string[];
  /** Tags every one of which the result's cluster must carry; node-group and IRSA results match through their cluster. */
  readonly clusterTags?: Readonly<Record<string, string>>;
  readonly reason: string;
  /** Who accepted the risk. */
  readonly owner?: string;
  /** Last day (UTC, YYYY-MM-DD) the entry mutes. */
  readonly expires?: string;
}

export interface Mutelist {
  /** Where the entries came from, for messages: a file name, a parameter name. */
  readonly source: string;
  readonly entries: readonly MutelistEntry[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ACCOUNT_GLOB = /^[\d*?]{1,12}$/;
const REGION_GLOB = /^[a-z\d*?-]+$/;

/**
 * A list given as a sequence, or as one text: a single value or comma-separated ones (a flag, an
 * environment variable, a context key). Anything else is left for the schema to refuse.
 */
export function splitList(value: unknown): unknown {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;
}

const listOf = (item: z.ZodMiniString) =>
  z.pipe(z.transform(splitList), z.array(item).check(z.minLength(1, 'give at least one value')));

const trimmed = () => z.string().check(z.trim());

const text = trimmed().check(z.minLength(1, 'must not be empty'));

function isRealDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** `key=value` texts, or a mapping of keys to values. */
const clusterTags = z.pipe(
  z.transform((value) => {
    const items = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(items)) return value;
    const tags: Record<string, unknown> = {};
    for (const item of items) {
      if (typeof item !== 'string' || !item.includes('=')) return { '': item };
      const at = item.indexOf('=');
      tags[item.slice(0, at).trim()] = item.slice(at + 1).trim();
    }
    return tags;
  }),
  z.record(z.string(), z.pipe(z.union([z.string(), z.number(), z.boolean()]), z.transform(String))).check(
    z.refine((tags) => Object.keys(tags).length > 0, 'give at least one key=value tag'),
    z.refine((tags) => !('' in tags), 'each tag is key=value with a non-empty key'),
  ),
);

/** The schema of the entries, for the known check ids: the same wherever a mutelist is given. */
export function mutelistEntriesSchema(knownChecks: readonly string[]) {
  const known = new Set(knownChecks);
  const entry = z.strictObject({
    checks: listOf(trimmed()).check(
      z.superRefine((checks, ctx) => {
        const unknown = checks.filter((c) => c !== '*' && !known.has(c));
        if (unknown.length > 0) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown check id '${unknown.join("', '")}' (known: ${knownChecks.join(', ')}, or *)`,
          });
        }
      }),
    ),
    accounts: z.optional(
      listOf(trimmed().check(z.regex(ACCOUNT_GLOB, 'each account is a 12-digit id, or a glob of one'))),
    ),
    regions: z.optional(
      listOf(
        trimmed().check(
          z.regex(REGION_GLOB, 'each region is a region name (e.g. us-east-1), or a glob of one'),
        ),
      ),
    ),
    resources: z.optional(listOf(trimmed().check(z.minLength(1)))),
    clusterTags: z.optional(clusterTags),
    reason: text,
    owner: z.optional(text),
    expires: z.optional(
      z.pipe(
        // A YAML 1.1 reader would give a date object; `yaml` keeps the text, but a JSON caller may not.
        z.transform((value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value)),
        trimmed().check(z.refine(isRealDate, 'must be a date written YYYY-MM-DD')),
      ),
    ),
  });
  return z.array(entry);
}

/**
 * Validates entries from any source (a parsed file, the config file's `mutelist`, a CDK prop);
 * throws one ConfigError naming the source, the entry and the problem.
 */
export function checkMutelist(value: unknown, source: string, knownChecks: readonly string[]): Mutelist {
  const parsed = mutelistEntriesSchema(knownChecks).safeParse(value);
  if (!parsed.success) throw new ConfigError(`${source}: ${describeIssue(parsed.error.issues[0])}`);
  return { source, entries: parsed.data as MutelistEntry[] };
}

/** One zod issue as `entry N: field: problem`, N counted from 1 as a person reads the file. */
export function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'invalid';
  const [index, field, ...rest] = issue.path;
  if (typeof index !== 'number') return `${issue.path.join('.') || 'the list'}: ${problem(issue)}`;
  const where = [`entry ${index + 1}`];
  if (field !== undefined) where.push([field, ...rest].map(String).join('.'));
  return `${where.join(': ')}: ${problem(issue)}`;
}

function problem(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key '${issue.keys.join("', '")}' (known: checks, accounts, regions, resources, clusterTags, reason, owner, expires)`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return issue.message;
}

export interface ExpiredEntry {
  readonly entry: number;
  readonly reason: string;
  readonly expires: string;
}

export interface MutingContext {
  readonly now: Date;
  /** The tags of a scanned cluster, by ARN; undefined when the cluster is unknown or untagged. */
  clusterTags(clusterArn: string): Readonly<Record<string, string>> | undefined;
}

export interface Muting {
  readonly results: CheckResult[];
  /** Entries past their `expires` day: they mute nothing, and the run says so once each. */
  readonly expired: readonly ExpiredEntry[];
}

/** The results with `muted` set on those an active entry matches. */
export function applyMutelist(
  results: readonly CheckResult[],
  mutelist: Mutelist | undefined,
  context: MutingContext,
): Muting {
  if (mutelist === undefined || mutelist.entries.length === 0) return { results: [...results], expired: [] };
  const today = context.now.toISOString().slice(0, 10);
  const expired: ExpiredEntry[] = [];
  const active: { entry: MutelistEntry; number: number; matches: (r: CheckResult) => boolean }[] = [];
  mutelist.entries.forEach((entry, index) => {
    if (entry.expires !== undefined && entry.expires < today) {
      expired.push({ entry: index + 1, reason: entry.reason, expires: entry.expires });
    } else {
      active.push({ entry, number: index + 1, matches: matcher(entry, context) });
    }
  });
  return {
    results: results.map((result) => {
      const hit = active.find((a) => a.matches(result));
      if (!hit) return result;
      const muted: Mute = {
        reason: hit.entry.reason,
        ...(hit.entry.owner !== undefined ? { owner: hit.entry.owner } : {}),
        ...(hit.entry.expires !== undefined ? { expires: hit.entry.expires } : {}),
        entry: hit.number,
      };
      return { ...result, muted };
    }),
    expired,
  };
}

/** The one-line warning for an expired entry. */
export function expiredWarning(mutelist: Mutelist, expired: ExpiredEntry): string {
  return `${mutelist.source}: entry ${expired.entry} expired on ${expired.expires} and no longer mutes (${expired.reason})`;
}

function matcher(entry: MutelistEntry, context: MutingContext): (result: CheckResult) => boolean {
  const checks = new Set(entry.checks);
  const anyCheck = checks.has('*');
  const globs = (patterns: readonly string[] | undefined) => patterns?.map((p) => globToRegExp(p, false));
  const accounts = globs(entry.accounts);
  const regions = globs(entry.regions);
  const resources = globs(entry.resources);
  const tags = entry.clusterTags === undefined ? undefined : Object.entries(entry.clusterTags);
  return (result) => {
    if (!anyCheck && !checks.has(result.checkId)) return false;
    if (accounts && !accounts.some((a) => a.test(result.accountId))) return false;
    if (regions && !regions.some((r) => r.test(result.region))) return false;
    if (
      resources &&
      !resources.some(
        (r) =>
          r.test(result.resource.name) || (result.resource.id !== undefined && r.test(result.resource.id)),
      )
    )
      return false;
    if (tags) {
      const clusterArn = result.resource.type === 'AwsEksCluster' ? result.resource.id : result.clusterArn;
      const onCluster = clusterArn === undefined ? undefined : context.clusterTags(clusterArn);
      if (!onCluster || !tags.every(([key, value]) => onCluster[key] === value)) return false;
    }
    return true;
  };
}
