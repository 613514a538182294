#!/usr/bin/env node
/**
 * `eks-posture`: scans the EKS clusters and IRSA roles of the account behind the default AWS
 * credentials and prints a report. A thin shell over `runScan`.
 */
import { STSClient } from '@aws-sdk/client-sts';
import { Command, CommanderError, Option } from 'commander';
import { ApiCallCounter } from '../lambda/collect/api-calls';
import { ConfigError } from '../lambda/errors';
import { previewFindings } from '../lambda/publish/publish';
import { renderJson } from '../lambda/report/json';
import { EXIT, runOutcome } from '../lambda/report/outcome';
import { renderTable } from '../lambda/report/table';
import {
  DEFAULT_SCAN_CONFIG,
  parseAccounts,
  parseCount,
  parseLogTypes,
  parsePrincipalPatterns,
  parseRegions,
  parseSeverity,
  parseWarningDays,
} from '../lambda/scan/config';
import { checkOutputFile, writeOutputFile } from '../lambda/scan/output-file';
import { checkProfile } from '../lambda/scan/profile';
import type { ScanProgress } from '../lambda/scan/scan';
import { scanAndPublish } from '../lambda/scan/scan-and-publish';
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

Credentials come from the default AWS chain (or --profile); AWS_ENDPOINT_URL points every client at
another endpoint.`;

/** Commander passes the previous value as a second argument; the parsers take the option's name there. */
function optionParser<T>(parse: (input: string) => T) {
  return (input: string): T => parse(input);
}

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('eks-posture')
    .description('Security posture scan of Amazon EKS clusters and IRSA trust policies.')
    .version(SCANNER_VERSION)
    .addOption(
      new Option(
        '--regions <list>',
        "comma-separated regions (default: the account's enabled regions)",
      ).argParser(optionParser(parseRegions)),
    )
    .addOption(
      new Option(
        '--format <format>',
        'report format; asff prints the findings a publish would import (default: table on a terminal, else json)',
      ).choices(['table', 'json', 'asff']),
    )
    .addOption(
      new Option('--org', 'scan every ACTIVE account of the organization (needs --role-name)').conflicts(
        'accounts',
      ),
    )
    .addOption(
      new Option(
        '--accounts <list>',
        'scan these accounts (needs --role-name for any but your own)',
      ).argParser(optionParser(parseAccounts)),
    )
    .option(
      '--profile <name>',
      'profile of the shared AWS config and credentials files, instead of the environment (as AWS_PROFILE)',
    )
    .option('--role-name <name>', 'role assumed in every scanned account other than your own')
    .option('--external-id <id>', 'external id the member role requires')
    .addOption(
      new Option('--account-concurrency <n>', 'accounts scanned at once')
        .default(8)
        .argParser(optionParser((v) => parseCount(v, '--account-concurrency'))),
    )
    .addOption(
      new Option('--region-concurrency <n>', 'regions of one account scanned at once')
        .default(4)
        .argParser(optionParser((v) => parseCount(v, '--region-concurrency'))),
    )
    .option(
      '--publish',
      'import findings into the Security Hub of each scanned account and region, archiving those whose resource is gone',
    )
    .option('--output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit 1 when a FAILED result is at or above LOW|MEDIUM|HIGH|CRITICAL',
      ).argParser(optionParser(parseSeverity)),
    )
    .addOption(
      new Option('--required-log-types <list>', 'control-plane log types that must be enabled')
        .default(DEFAULT_SCAN_CONFIG.requiredLogTypes, DEFAULT_SCAN_CONFIG.requiredLogTypes.join(','))
        .argParser(optionParser(parseLogTypes)),
    )
    .addOption(
      new Option('--version-warning-days <days>', 'warn when standard support ends within this many days')
        .default(DEFAULT_SCAN_CONFIG.versionWarningDays)
        .argParser(optionParser(parseWarningDays)),
    )
    .addOption(
      new Option(
        '--allowed-admin-principals <patterns>',
        'IAM ARN patterns (* and ?) of principals allowed to hold AmazonEKSClusterAdminPolicy',
      )
        .default(DEFAULT_SCAN_CONFIG.allowedAdminPrincipals, 'none')
        .argParser(optionParser(parsePrincipalPatterns)),
    )
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined })
    .showHelpAfterError(false);

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
  const options = program.opts<{
    profile?: string;
    regions?: string[];
    format?: 'table' | 'json' | 'asff';
    publish?: boolean;
    org?: boolean;
    accounts?: string[];
    roleName?: string;
    externalId?: string;
    output?: string;
    failOn?: ReturnType<typeof parseSeverity>;
    requiredLogTypes: string[];
    versionWarningDays: number;
    allowedAdminPrincipals: string[];
    accountConcurrency: number;
    regionConcurrency: number;
  }>();

  if ((options.externalId || options.roleName) && !options.org && !options.accounts) {
    throw new ConfigError('--role-name and --external-id apply only with --org or --accounts');
  }
  // Both before any AWS call, and before the home region is read (it may come from the profile).
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
    ...(options.regions ? { regions: options.regions } : {}),
    config: {
      requiredLogTypes: options.requiredLogTypes,
      versionWarningDays: options.versionWarningDays,
      allowedAdminPrincipals: options.allowedAdminPrincipals,
    },
    accountConcurrency: options.accountConcurrency,
    regionConcurrency: options.regionConcurrency,
    onProgress: progress.update,
  }).finally(progress.stop);
  const { report } = scan;

  const format = options.format ?? (process.stdout.isTTY && !options.output ? 'table' : 'json');
  const text =
    format === 'asff'
      ? `${JSON.stringify(previewFindings(scan, new Date()), null, 2)}\n`
      : format === 'json'
        ? renderJson(report)
        : renderTable(report, {
            coverage: scan.coverage,
            width: process.stdout.columns ?? 160,
            color: !options.output && process.stdout.isTTY === true,
          });
  if (options.output) {
    await writeOutputFile(options.output, text);
    process.stderr.write(`eks-posture: report written to ${options.output}\n`);
  } else {
    process.stdout.write(text);
  }
  return runOutcome(report, options.failOn).exitCode;
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
 * otherwise a log line at most every ten seconds.
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
      const line = `scanning: ${p.targetsDone}/${p.targetsTotal} targets, ${p.clusters} clusters, ${p.roles} roles`;
      process.stderr.write(terminal ? `\r\u001b[2K${line}` : `eks-posture: ${line}\n`);
    },
    stop() {
      if (shown && terminal) process.stderr.write('\r\u001b[2K');
    },
  };
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
