#!/usr/bin/env node
/**
 * `eks-posture`: scans the EKS clusters and IRSA roles of the account behind the default AWS
 * credentials and prints a report. A thin shell over `runScan`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { STSClient } from '@aws-sdk/client-sts';
import { Command, CommanderError, Option } from 'commander';
import { CHECKS } from '../lambda/checks/registry';
import { ApiCallCounter } from '../lambda/collect/api-calls';
import { ConfigError } from '../lambda/errors';
import { type ResultStatus, SEVERITIES, type Severity, STATUSES } from '../lambda/model/result';
import { checkMutelist, type Mutelist } from '../lambda/mutelist/mutelist';
import { filterReport } from '../lambda/report/filter';
import { renderJson } from '../lambda/report/json';
import { EXIT, runOutcome } from '../lambda/report/outcome';
import {
  CHECK_IDS,
  DEFAULT_REFRESH_UNCHANGED_DAYS,
  DEFAULT_SCAN_CONFIG,
  parseAccounts,
  parseCheckIds,
  parseCount,
  parseLogTypes,
  parsePrincipalPatterns,
  parseRefreshDays,
  parseRegions,
  parseRetentionDays,
  parseSeverity,
  parseWarningDays,
  selectChecks,
} from '../lambda/scan/config';
import type { OptionSpec } from '../lambda/scan/config-file';
import { DEFAULT_DISCOVERY, type DiscoverySetting, parseDiscovery } from '../lambda/scan/discovery-setting';
import { checkOutputFile, writeOutputFile } from '../lambda/scan/output-file';
import { checkProfile } from '../lambda/scan/profile';
import type { ScanProgress } from '../lambda/scan/scan';
import { type Run, scanAndPublish } from '../lambda/scan/scan-and-publish';
import { type ResolvedTargets, resolveTargets } from '../lambda/scan/targets';
import { unreachableReason } from '../lambda/scan/unreachable';
import { SCANNER_VERSION } from '../lambda/scanner-version';

const HELP_AFTER = `
Exit codes:
  0  the scan finished (no FAILED result at or above --fail-on, if given)
  1  a FAILED result at or above --fail-on
  2  bad usage or configuration, before any scan: a bad option, an --output that cannot be written, an
     unknown --profile, no usable credentials, an endpoint that cannot be reached, the organization's
     accounts not listable; or the report could not be written. No report
  3  some target (account region, or IAM) could not be scanned, or with --publish some finding could not
     be imported or some region's findings could not be read back; the report says which and why

Muted results (--mutelist) keep their status and severity but never count for --fail-on. --min-severity,
--status and --hide-muted narrow the report only: what is published and the exit code stay the whole run's.

Credentials come from the default AWS chain (or --profile); AWS_ENDPOINT_URL points every client at
another endpoint.`;

type Parse = (input: string, name: string) => unknown;

/** One option: its flags and help, and how its value is read, from the command line and the config file alike. */
interface CliOption {
  readonly flags: string;
  readonly description: string;
  /** Reads a text value; the option's own name (`--regions`, `<file>: regions`) is in its messages. */
  readonly parse?: Parse;
  readonly choices?: readonly string[];
  readonly default?: { readonly value: unknown; readonly shown?: string };
  /** Not settable in the config file (`--config` itself, `--list-checks`). */
  readonly commandLineOnly?: boolean;
}

const FORMATS = ['table', 'json', 'csv', 'html', 'ocsf', 'asff'] as const;
type Format = (typeof FORMATS)[number];

const parseStatuses: Parse = (input, name) => {
  const statuses = input
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const known: readonly string[] = STATUSES;
  const unknown = statuses.filter((s) => !known.includes(s));
  if (statuses.length === 0 || unknown.length > 0) {
    throw new ConfigError(
      `${name}: ${statuses.length === 0 ? 'is empty' : `unknown status '${unknown.join("', '")}'`} (known: ${STATUSES.join(', ')})`,
    );
  }
  return [...new Set(statuses)];
};

const parseMinSeverity: Parse = (input, name) => {
  const severity = SEVERITIES.find((s) => s === input.trim().toUpperCase());
  if (!severity) throw new ConfigError(`${name}: '${input}' is not one of ${SEVERITIES.join(', ')}`);
  return severity;
};

const OPTIONS: readonly CliOption[] = [
  {
    flags: '--config <file>',
    description: 'read options from a YAML file (keys are the long option names; flags win)',
    commandLineOnly: true,
  },
  {
    flags: '--regions <list>',
    description: "comma-separated regions (default: the account's enabled regions)",
    parse: parseRegions,
  },
  {
    flags: '--format <format>',
    description:
      'report format: table, json, csv, html, ocsf (OCSF 1.6 Compliance Findings), or asff (the findings a publish would import) (default: table on a terminal, else json)',
    choices: FORMATS,
  },
  { flags: '--org', description: 'scan every ACTIVE account of the organization (needs --role-name)' },
  {
    flags: '--accounts <list>',
    description: 'scan these accounts (needs --role-name for any but your own)',
    parse: parseAccounts,
  },
  {
    flags: '--profile <name>',
    description:
      'profile of the shared AWS config and credentials files, instead of the environment (as AWS_PROFILE)',
  },
  { flags: '--role-name <name>', description: 'role assumed in every scanned account other than your own' },
  {
    flags: '--discovery <config:NAME|list>',
    description:
      'with --org or --accounts: config:<aggregator>[@<region>] skips the account regions an AWS Config aggregator proves hold no cluster (any doubt or failure lists them); list lists every region',
    parse: parseDiscovery,
    default: { value: DEFAULT_DISCOVERY, shown: 'list' },
  },
  { flags: '--external-id <id>', description: 'external id the member role requires' },
  {
    flags: '--account-concurrency <n>',
    description: 'accounts scanned at once',
    parse: (v, name) => parseCount(v, name),
    default: { value: 8 },
  },
  {
    flags: '--region-concurrency <n>',
    description: 'regions of one account scanned at once (default 4, or 32 when one account is scanned)',
    parse: (v, name) => parseCount(v, name),
  },
  {
    flags: '--checks <list>',
    description:
      'run only these checks (ids, see --list-checks); findings of other checks are left untouched',
    parse: parseCheckIds,
  },
  {
    flags: '--skip-checks <list>',
    description: 'run every check but these; their findings are left untouched',
    parse: parseCheckIds,
  },
  { flags: '--list-checks', description: 'list every check and exit', commandLineOnly: true },
  {
    flags: '--mutelist <file>',
    description: 'YAML or JSON file of accepted risks: matching results are muted (they never fail or alert)',
  },
  {
    flags: '--publish',
    description:
      'import findings into the Security Hub of each scanned account and region, archiving those whose resource is gone',
  },
  {
    flags: '--refresh-unchanged-days <days>',
    description:
      'with --publish, re-import a finding that did not change only this many days after its last import (1-60)',
    parse: parseRefreshDays,
    default: { value: DEFAULT_REFRESH_UNCHANGED_DAYS },
  },
  { flags: '--output <file>', description: 'write the report to a file instead of stdout' },
  {
    flags: '--fail-on <severity>',
    description: 'exit 1 when an unmuted FAILED result is at or above LOW|MEDIUM|HIGH|CRITICAL',
    parse: parseSeverity,
  },
  {
    flags: '--min-severity <severity>',
    description: 'report only results at or above this severity (PASSED results are INFORMATIONAL)',
    parse: parseMinSeverity,
  },
  {
    flags: '--status <list>',
    description: `report only results with these statuses (${STATUSES.join(',')})`,
    parse: parseStatuses,
  },
  { flags: '--hide-muted', description: 'leave muted results out of the report' },
  { flags: '--quiet', description: 'table: print only unmuted failures and the summary' },
  { flags: '--no-color', description: 'no colours in the table (NO_COLOR is honoured too)' },
  {
    flags: '--required-log-types <list>',
    description: 'control-plane log types that must be enabled',
    parse: parseLogTypes,
    default: {
      value: DEFAULT_SCAN_CONFIG.requiredLogTypes,
      shown: DEFAULT_SCAN_CONFIG.requiredLogTypes.join(','),
    },
  },
  {
    flags: '--version-warning-days <days>',
    description: 'warn when standard support ends within this many days',
    parse: parseWarningDays,
    default: { value: DEFAULT_SCAN_CONFIG.versionWarningDays },
  },
  {
    flags: '--min-log-retention-days <days>',
    description: "days a cluster's control-plane log group must keep events (never-expire passes)",
    parse: parseRetentionDays,
    default: { value: DEFAULT_SCAN_CONFIG.minLogRetentionDays },
  },
  {
    flags: '--allowed-admin-principals <patterns>',
    description: 'IAM ARN patterns (* and ?) of principals allowed to hold AmazonEKSClusterAdminPolicy',
    parse: parsePrincipalPatterns,
    default: { value: DEFAULT_SCAN_CONFIG.allowedAdminPrincipals, shown: 'none' },
  },
];

interface CliOptions {
  config?: string;
  profile?: string;
  regions?: string[];
  format?: Format;
  publish?: boolean;
  org?: boolean;
  accounts?: string[];
  discovery: DiscoverySetting;
  roleName?: string;
  externalId?: string;
  output?: string;
  failOn?: Severity;
  minSeverity?: Severity;
  status?: ResultStatus[];
  checks?: string[];
  skipChecks?: string[];
  listChecks?: boolean;
  mutelist?: string | unknown[];
  hideMuted?: boolean;
  quiet?: boolean;
  color: boolean;
  refreshUnchangedDays: number;
  requiredLogTypes: string[];
  versionWarningDays: number;
  minLogRetentionDays: number;
  allowedAdminPrincipals: string[];
  accountConcurrency: number;
  regionConcurrency?: number;
}

/** The long name of an option (`--no-color` is the `color` option, `no-color` in no file). */
function longName(option: CliOption): string {
  return (option.flags.split(' ')[0] ?? '').replace(/^--(no-)?/, '');
}

function buildProgram(): Command {
  const program = new Command()
    .name('eks-posture')
    .description('Security posture scan of Amazon EKS clusters and IRSA trust policies.')
    .version(SCANNER_VERSION);
  for (const spec of OPTIONS) {
    const option = new Option(spec.flags, spec.description);
    const { parse } = spec;
    // Commander passes the previous value as a second argument; the parsers take the option's name there.
    if (parse) option.argParser((input: string) => parse(input, `--${longName(spec)}`));
    if (spec.choices) option.choices(spec.choices);
    if (spec.default) option.default(spec.default.value, spec.default.shown);
    if (spec.flags.startsWith('--org')) option.conflicts('accounts');
    program.addOption(option);
  }
  return program
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined })
    .showHelpAfterError(false);
}

/** The config file's values under the command line's: a flag given on the command line wins. */
async function applyConfigFile(program: Command, file: string): Promise<void> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new ConfigError(
      `--config ${file}: ${oneLine(error instanceof Error ? error.message : String(error))}`,
    );
  });
  const { camelCase, parseConfigFile } = await import('../lambda/scan/config-file');
  const specs = Object.fromEntries(
    OPTIONS.filter((o) => !o.commandLineOnly).map((o): [string, OptionSpec] => [
      longName(o),
      { kind: o.flags.includes('<') ? 'text' : 'flag', ...(o.parse ? { parse: o.parse } : {}) },
    ]),
  );
  const values = parseConfigFile(text, `--config ${file}`, specs);
  for (const [key, value] of Object.entries(values)) {
    if (program.getOptionValueSource(key) === 'cli') continue;
    const choices = OPTIONS.find((o) => camelCase(longName(o)) === key)?.choices;
    if (choices && !choices.includes(String(value))) {
      throw new ConfigError(
        `--config ${file}: ${key}: '${String(value)}' is not one of ${choices.join(', ')}`,
      );
    }
    // A mutelist path in the file is relative to the file.
    const resolved = key === 'mutelist' && typeof value === 'string' ? resolve(dirname(file), value) : value;
    program.setOptionValueWithSource(key, resolved, 'config');
  }
  const options = program.opts<CliOptions>();
  if (options.org && options.accounts) {
    throw new ConfigError(`--config ${file}: org and accounts cannot be used together`);
  }
}

/**
 * The mutelist of `--mutelist` or of the config file (inline, or a file it names), validated as a
 * whole before any AWS call; messages name where it came from.
 */
async function loadMutelist(
  mutelist: CliOptions['mutelist'],
  configFile?: string,
): Promise<Mutelist | undefined> {
  if (mutelist === undefined) return undefined;
  const from = configFile === undefined ? '' : `--config ${configFile}: `;
  if (Array.isArray(mutelist)) return checkMutelist(mutelist, `${from}mutelist`, CHECK_IDS);
  const label = `${from}${configFile === undefined ? '--' : ''}mutelist ${mutelist}`;
  const text = await readFile(mutelist, 'utf8').catch((error: unknown) => {
    throw new ConfigError(`${label}: ${oneLine(error instanceof Error ? error.message : String(error))}`);
  });
  const { parseMutelist } = await import('../lambda/mutelist/mutelist-file');
  return parseMutelist(text, label, CHECK_IDS);
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    program.parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.OK; // --help, --version
      process.stderr.write(`eks-posture: ${oneLine(error.message.replace(/^error: /, ''))}\n`);
      return EXIT.USAGE;
    }
    throw error;
  }
  const configFile = program.opts<CliOptions>().config;
  if (configFile !== undefined) await applyConfigFile(program, configFile);
  const options = program.opts<CliOptions>();

  if (options.listChecks) {
    const listed = CHECKS.map((c) => c.metadata);
    const { renderCheckListJson, renderCheckListTable } = await import('../lambda/report/check-list');
    process.stdout.write(
      options.format === 'json'
        ? renderCheckListJson(listed)
        : renderCheckListTable(listed, process.stdout.columns ?? 80),
    );
    return EXIT.OK;
  }
  if ((options.externalId || options.roleName) && !options.org && !options.accounts) {
    throw new ConfigError('--role-name and --external-id apply only with --org or --accounts');
  }
  if (options.discovery.kind === 'config' && !options.org && !options.accounts) {
    throw new ConfigError('--discovery config:… applies only with --org or --accounts');
  }
  const checks = selectChecks(options, (setting) => (setting === 'checks' ? '--checks' : '--skip-checks'));
  const mutelist = await loadMutelist(
    options.mutelist,
    program.getOptionValueSource('mutelist') === 'config' ? configFile : undefined,
  );
  // All before any AWS call, and before the home region is read (it may come from the profile).
  if (options.profile !== undefined) await useProfile(options.profile);
  if (options.output !== undefined) await checkOutputFile(options.output);
  const homeRegion = await configuredRegion();
  const apiCalls = new ApiCallCounter();
  let targets: ResolvedTargets;
  try {
    targets = await resolveTargets({
      homeRegion,
      apiCalls,
      ...(options.org ? { organization: true } : {}),
      ...(options.accounts ? { accounts: options.accounts } : {}),
      ...(options.roleName ? { roleName: options.roleName } : {}),
      ...(options.externalId ? { externalId: options.externalId } : {}),
    });
  } catch (error) {
    // Nothing was scanned and there is no report: a problem of the setup, exit 2, not an incomplete run.
    throw notStarted(error);
  }
  const progress = progressReporter();
  const scan = await scanAndPublish({
    targets,
    publish: options.publish === true,
    apiCalls,
    homeRegion,
    checks,
    ...(mutelist ? { mutelist } : {}),
    refreshUnchangedDays: options.refreshUnchangedDays,
    ...(options.regions ? { regions: options.regions } : {}),
    config: {
      requiredLogTypes: options.requiredLogTypes,
      versionWarningDays: options.versionWarningDays,
      allowedAdminPrincipals: options.allowedAdminPrincipals,
      minLogRetentionDays: options.minLogRetentionDays,
    },
    accountConcurrency: options.accountConcurrency,
    ...(options.regionConcurrency !== undefined ? { regionConcurrency: options.regionConcurrency } : {}),
    // Said in the report whenever it was chosen; the default lists every region and says nothing.
    ...(program.getOptionValueSource('discovery') === 'default'
      ? {}
      : { discovery: { setting: options.discovery, clients: targets.caller } }),
    onProgress: progress.update,
  }).finally(progress.stop);
  for (const warning of scan.report.warnings ?? [])
    process.stderr.write(`eks-posture: warning: ${warning}\n`);
  // What is reported may be narrowed; what was published and the exit code are the whole run's.
  const report = filterReport(scan.report, {
    ...(options.minSeverity ? { minSeverity: options.minSeverity } : {}),
    ...(options.status ? { statuses: options.status } : {}),
    ...(options.hideMuted ? { hideMuted: true } : {}),
  });

  const format = options.format ?? (process.stdout.isTTY && !options.output ? 'table' : 'json');
  const text = await render(format, { ...scan, report }, options);
  if (options.output) {
    await writeOutputFile(options.output, text);
    process.stderr.write(`eks-posture: report written to ${options.output}\n`);
  } else {
    process.stdout.write(text);
  }
  return runOutcome(scan.report, options.failOn).exitCode;
}

/** Each format's code is loaded by the runs that ask for it; JSON, the default off a terminal, is always there. */
async function render(format: Format, scan: Run, options: CliOptions): Promise<string> {
  const { report } = scan;
  switch (format) {
    case 'asff': {
      const { previewFindings } = await import('../lambda/publish/publish');
      return `${JSON.stringify(previewFindings(scan, new Date()), null, 2)}\n`;
    }
    case 'json':
      return renderJson(report);
    case 'csv':
      return (await import('../lambda/report/csv')).renderCsv(report);
    case 'ocsf':
      return (await import('../lambda/report/ocsf')).renderOcsf(report);
    case 'html': {
      const { renderHtml } = await import('../lambda/report/html');
      return renderHtml(report, { coverage: scan.coverage, checks: CHECKS.map((c) => c.metadata) });
    }
    case 'table': {
      const { renderTable } = await import('../lambda/report/table');
      const terminal = !options.output && process.stdout.isTTY === true;
      return renderTable(report, {
        coverage: scan.coverage,
        width: (terminal ? process.stdout.columns : undefined) ?? 80,
        // https://no-color.org: any non-empty NO_COLOR turns colour off.
        color: terminal && options.color && !process.env.NO_COLOR,
        ...(options.quiet ? { quiet: true } : {}),
        ...(options.hideMuted ? { hideMuted: true } : {}),
      });
    }
  }
}

/**
 * Selects a profile of the shared config files for every client. The clients are built by
 * `createAccountClients` from the SDK's default chain, which reads `AWS_PROFILE` when each client
 * resolves its credentials and region, so setting it here, before any client is built, is enough.
 */
async function useProfile(name: string): Promise<void> {
  const profile = await checkProfile(name);
  process.env.AWS_PROFILE = name;
  // The profile named on the command line wins over static credentials in the environment. Today's
  // SDK prefers AWS_PROFILE too, but warns that a later one may not; so they are set aside, unless the
  // profile itself takes its source credentials from the environment (`credential_source = Environment`).
  if (profile.credential_source?.toLowerCase() === 'environment') return;
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
    Reflect.deleteProperty(process.env, key);
  }
}

/** The region of the SDK's own configuration (env, profile), or us-east-1 for the global calls. */
async function configuredRegion(): Promise<string> {
  try {
    return await new STSClient({}).config.region();
  } catch {
    return 'us-east-1';
  }
}

/**
 * Progress on stderr once a scan takes more than a moment: a line redrawn in place on a terminal,
 * otherwise a log line at most every ten seconds. Over several accounts it counts accounts and
 * gives an estimate of the time left, from the pace of the targets done so far.
 */
function progressReporter() {
  const terminal = process.stderr.isTTY === true;
  const since = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(p: ScanProgress) {
      const now = Date.now();
      if (now - since < 1000 || (!terminal && now - last < 10_000)) return;
      last = now;
      shown = true;
      const parts = [
        ...(p.accountsTotal > 1 ? [`${p.accountsDone}/${p.accountsTotal} accounts`] : []),
        `${p.targetsDone}/${p.targetsTotal} targets`,
        `${p.clusters} clusters, ${p.roles} roles found`,
      ];
      const eta = timeLeft(p, now - since);
      const line = `scanning: ${parts.join(', ')}${eta ? `, about ${eta} left` : ''}`;
      process.stderr.write(terminal ? `\r\u001b[2K${line}` : `eks-posture: ${line}\n`);
    },
    stop() {
      if (shown && terminal) process.stderr.write('\r\u001b[2K');
    },
  };
}

/**
 * Time left at the pace so far. The total of targets is known only for accounts already started,
 * so over several accounts the pace of whole accounts gives the estimate; none before the first is done.
 */
function timeLeft(p: ScanProgress, elapsedMs: number): string | undefined {
  const share =
    p.accountsTotal > 1
      ? p.accountsDone / p.accountsTotal
      : p.targetsTotal > 0
        ? p.targetsDone / p.targetsTotal
        : 0;
  if (share <= 0 || share >= 1) return undefined;
  const seconds = Math.round((elapsedMs / share - elapsedMs) / 1000);
  return seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

/** Missing, expired or rejected credentials: a configuration problem for the person running the CLI. */
const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
]);

function isCredentialsError(error: unknown): boolean {
  return error instanceof Error && CREDENTIAL_ERRORS.has(error.name);
}

/** Why a run could not start, as a ConfigError of one line: the credentials, the endpoint, or the error's own words. */
function notStarted(error: unknown): ConfigError {
  if (error instanceof ConfigError) return error;
  const message = oneLine(error instanceof Error ? error.message : String(error));
  if (isCredentialsError(error) || (error instanceof Error && isCredentialsError(error.cause))) {
    return new ConfigError(`no usable AWS credentials: ${message}`, { cause: error });
  }
  const unreachable = unreachableReason(error);
  if (unreachable) {
    const endpoint = process.env.AWS_ENDPOINT_URL;
    return new ConfigError(
      `cannot reach the AWS endpoint: ${unreachable}${endpoint ? ` (AWS_ENDPOINT_URL is ${endpoint})` : ''}`,
      { cause: error },
    );
  }
  return new ConfigError(message, { cause: error });
}

/**
 * A reader that goes away (`| head -1`) ends the output, not the run: the process ends with the
 * exit code the run has, without a stack trace. Node.js reports the closed pipe as an `error` event
 * (EPIPE) after the write, which without a listener would crash the process with exit 1.
 */
function endQuietlyOnClosedOutput(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    // The report could not be written: say so once, as for an --output that cannot be written.
    process.stderr.write(`eks-posture: cannot write the report to stdout: ${oneLine(error.message)}\n`);
    process.exitCode = EXIT.USAGE;
  });
  // Nowhere is left to say anything when stderr is closed.
  process.stderr.on('error', () => undefined);
}

function oneLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? text;
}

endQuietlyOnClosedOutput();
main(process.argv).then(
  (code) => {
    process.exitCode ??= code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`eks-posture: ${oneLine(message)}\n`);
    // A ConfigError: the run could not start, or its report could not be written. Anything else
    // broke a scan that had started.
    process.exitCode = error instanceof ConfigError ? EXIT.USAGE : EXIT.INCOMPLETE;
  },
);
