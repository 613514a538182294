/**
 * The scanner Lambda, its log group and its least-privilege role, created in the scope given (the
 * scanner construct), so their logical ids are those of the scanner's own children.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { ConfigError } from '../lambda/errors';
import { ENV } from '../lambda/scan/config';
import type { DiscoverySetting } from '../lambda/scan/discovery-setting';
import { type AlertChannels, METRICS_NAMESPACE, SERVICE_NAME } from './alerting';
import { acknowledge, grantScanAndPublish, nagAccount, nagPartition, nagRegion } from './permissions';
import type { OrganizationSettings, ScannerSettings } from './scanner-settings';

const PROJECT_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ScannerFunction {
  readonly function: lambda.Function;
  readonly role: iam.Role;
}

export function createScannerFunction(
  scope: Construct,
  settings: ScannerSettings,
  channels: Pick<AlertChannels, 'key' | 'deadLetterQueue'>,
): ScannerFunction {
  const logGroup = new logs.LogGroup(scope, 'Logs', { retention: settings.logRetention });

  const role = new iam.Role(scope, 'Role', {
    // Member roles trust this role by name, so in organization mode it has a fixed one.
    ...(settings.organization ? { roleName: settings.organization.scannerRoleName } : {}),
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'eks-posture scanner: reads EKS, IAM and KMS, imports into Security Hub',
  });
  grantScan(role, settings.organization);
  if (settings.scan.discovery?.setting.kind === 'config')
    grantDiscovery(role, settings.scan.discovery.setting);
  const mutelistParameter = mutelistParameterOf(scope, settings.scan.mutelist, role);
  // Lambda sends failed asynchronous events to the KMS-encrypted dead-letter queue as this role.
  channels.key.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
  logGroup.grantWrite(role);

  const fn = new lambda.Function(scope, 'Function', {
    code: handlerCode(),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: settings.memorySize,
    timeout: settings.timeout,
    // Scans never overlap: a second one would race the first over the same findings. With a fan-out,
    // invocations scan different accounts, as many at once as the map allows.
    reservedConcurrentExecutions: settings.fanOut ? settings.fanOut.maxConcurrency : 1,
    role,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    deadLetterQueue: channels.deadLetterQueue,
    retryAttempts: 0,
    environment: {
      ...environment(settings),
      ...(mutelistParameter ? { [ENV.mutelistParameter]: mutelistParameter } : {}),
    },
  });
  acknowledge(fn, [
    [
      'AwsSolutions-L1',
      'The scanner is built and tested for the nodejs22.x runtime; it moves to a newer runtime when its test suite runs on that Node version.',
    ],
  ]);
  return { function: fn, role };
}

/**
 * The function's code: lambda/handler.ts bundled by scripts/build.mjs (the same options and esbuild
 * plugin as the CLI's bundle, which the CDK's NodejsFunction cannot take), with local esbuild from
 * npm. The AWS SDK is bundled, so the function runs the versions the tests ran. Built once per
 * process: every stack an app (or a test) synthesizes ships the same code, staged by its hash.
 */
let bundled: string | undefined;
function handlerCode(): lambda.Code {
  bundled ??= bundleHandler();
  return lambda.Code.fromAsset(bundled);
}

function bundleHandler(): string {
  // Under the project, so that the source maps' relative paths, and with them the asset's hash, do not
  // depend on where the machine keeps its temporary files.
  const cache = path.join(PROJECT_ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  // A process killed before its exit leaves its copy behind: an hour later nothing still uses it.
  for (const entry of readdirSync(cache)) {
    const old = path.join(cache, entry);
    if (entry.startsWith('eks-posture-handler-') && statSync(old).mtimeMs < Date.now() - 3_600_000) {
      rmSync(old, { recursive: true, force: true });
    }
  }
  const dir = mkdtempSync(path.join(cache, 'eks-posture-handler-'));
  // Synthesis copies the asset into the cloud assembly; the scratch copy goes with the process.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const built = spawnSync(
    process.execPath,
    [path.join(PROJECT_ROOT, 'scripts', 'build.mjs'), 'handler', '--outdir', dir],
    { cwd: PROJECT_ROOT, encoding: 'utf8' },
  );
  if (built.status !== 0) {
    const why = built.stderr?.trim() || built.error?.message || `exit code ${built.status}`;
    throw new Error(`bundling the scanner function failed: ${why}`);
  }
  return dir;
}

/** What the function reads at start-up (lambda/scan/config.ts): only the settings given. */
function environment({ scan, organization }: ScannerSettings): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...(scan.regions ? { [ENV.regions]: scan.regions.join(',') } : {}),
    ...(scan.requiredLogTypes ? { [ENV.requiredLogTypes]: scan.requiredLogTypes.join(',') } : {}),
    ...(scan.allowedAdminPrincipals.length
      ? { [ENV.allowedAdminPrincipals]: scan.allowedAdminPrincipals.join(',') }
      : {}),
    ...(scan.versionWarningDays !== undefined
      ? { [ENV.versionWarningDays]: String(scan.versionWarningDays) }
      : {}),
    ...(scan.minLogRetentionDays !== undefined
      ? { [ENV.minLogRetentionDays]: String(scan.minLogRetentionDays) }
      : {}),
    ...(scan.checks ? { [ENV.checks]: scan.checks.join(',') } : {}),
    ...(scan.skipChecks ? { [ENV.skipChecks]: scan.skipChecks.join(',') } : {}),
    ...(scan.refreshUnchangedDays !== undefined
      ? { [ENV.refreshUnchangedDays]: String(scan.refreshUnchangedDays) }
      : {}),
    ...(scan.discovery ? { [ENV.discovery]: scan.discovery.text } : {}),
    ...(organization
      ? {
          [ENV.memberRoleName]: organization.memberRoleName,
          ...(organization.externalId ? { [ENV.externalId]: organization.externalId } : {}),
        }
      : {}),
    [ENV.publish]: 'true',
    [ENV.emitScanEvent]: 'true',
  };
}

/** The read calls the scan makes, Security Hub import and read-back, and the scan-completed event. */
function grantScan(role: iam.Role, organization: OrganizationSettings | undefined): void {
  const stack = Stack.of(role);
  grantScanAndPublish(role);
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ScanCompletedEvent',
      actions: ['events:PutEvents'],
      resources: [`arn:${stack.partition}:events:${stack.region}:${stack.account}:event-bus/default`],
    }),
  );
  if (!organization) return;
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'AssumeMemberRole',
      actions: ['sts:AssumeRole'],
      resources: [`arn:${stack.partition}:iam::*:role/${organization.memberRoleName}`],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ListMemberAccounts',
      actions: ['organizations:ListAccounts'],
      resources: ['*'],
    }),
  );
  acknowledge(role, [
    [
      `AwsSolutions-IAM5[Resource::arn:${nagPartition(role)}:iam::*:role/${organization.memberRoleName}]`,
      'The scanner assumes the one named member role in each account of the organization; accounts join and leave, so the account is a wildcard and the role name is not.',
    ],
  ]);
}

/**
 * Reading the aggregator of `discovery`: describing aggregators supports no resource-level
 * permission; the status and the queries are granted on the account's aggregators in the
 * aggregator's region (an aggregator's ARN ends in an id that is not known when deploying).
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsconfig.html
 */
function grantDiscovery(role: iam.Role, setting: Extract<DiscoverySetting, { kind: 'config' }>): void {
  const stack = Stack.of(role);
  const region = setting.region ?? stack.region;
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'DescribeAggregators',
      actions: ['config:DescribeConfigurationAggregators'],
      resources: ['*'],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'QueryAggregator',
      actions: [
        'config:DescribeConfigurationAggregatorSourcesStatus',
        'config:SelectAggregateResourceConfig',
      ],
      resources: [`arn:${stack.partition}:config:${region}:${stack.account}:config-aggregator/*`],
    }),
  );
  acknowledge(role, [
    [
      'AwsSolutions-IAM5[Resource::*]',
      'config:DescribeConfigurationAggregators supports no resource-level permissions; it only describes aggregators.',
    ],
    [
      `AwsSolutions-IAM5[Resource::arn:${nagPartition(role)}:config:${setting.region ?? nagRegion(role)}:${nagAccount(role)}:config-aggregator/*]`,
      "An aggregator's ARN ends in an id AWS assigns, unknown when deploying: the account's aggregators in one region, read-only.",
    ],
  ]);
}

/** Parameter Store's limit for an advanced parameter's value; a standard one holds 4 KB. */
const ADVANCED_PARAMETER_BYTES = 8192;
const STANDARD_PARAMETER_BYTES = 4096;

/**
 * The SSM parameter the function reads its mutelist from, and the right to read it and nothing
 * else: the construct's own parameter holding the entries given, or the one named. Returns its name
 * for the function's environment.
 */
function mutelistParameterOf(
  scope: Construct,
  mutelist: ScannerSettings['scan']['mutelist'],
  role: iam.Role,
): string | undefined {
  if (!mutelist) return undefined;
  const stack = Stack.of(scope);
  let name: string;
  let arn: string;
  if ('entries' in mutelist) {
    const value = JSON.stringify({ mutelist: mutelist.entries });
    const bytes = Buffer.byteLength(value);
    if (bytes > ADVANCED_PARAMETER_BYTES) {
      throw new ConfigError(
        `props.mutelist: ${bytes} bytes as JSON, more than an SSM parameter holds (${ADVANCED_PARAMETER_BYTES}); use wildcards or clusterTags to shorten it`,
      );
    }
    const parameter = new ssm.StringParameter(scope, 'Mutelist', {
      description: 'eks-posture accepted risks: read by the scanner at every scan',
      stringValue: value,
      tier: bytes > STANDARD_PARAMETER_BYTES ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD,
    });
    name = parameter.parameterName;
    arn = parameter.parameterArn;
  } else {
    name = mutelist.parameterName;
    arn = name.startsWith('arn:')
      ? name
      : `arn:${stack.partition}:ssm:${stack.region}:${stack.account}:parameter/${name.replace(/^\//, '')}`;
  }
  role.addToPolicy(
    new iam.PolicyStatement({ sid: 'ReadMutelist', actions: ['ssm:GetParameter'], resources: [arn] }),
  );
  return name;
}
