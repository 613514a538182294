import type { Duration } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Severity } from '../lambda/model/result';
import type { MutelistEntry } from '../lambda/mutelist/mutelist';

/** Severities that can trigger an alert: an INFORMATIONAL finding never fails. */
export type AlertSeverity = Exclude<Severity, 'INFORMATIONAL'>;

export interface OrganizationOptions {
  /** Name of the role that the member-account stack or StackSet creates in every member account. */
  readonly memberRoleName: string;
  /**
   * External id the member role requires from the scanner.
   * @default - none
   */
  readonly externalId?: string;
  /**
   * Name given to the scanner's role, which member roles trust.
   * @default 'eks-posture-scanner'
   */
  readonly scannerRoleName?: string;
}

export interface FanOutOptions {
  /**
   * Accounts scanned at once (also the function's reserved concurrency), between 1 and 256.
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * Share of accounts that may fail before the whole run is marked failed, between 0 and 100.
   * @default 10
   */
  readonly toleratedFailurePercentage?: number;
}

export interface EksPostureScannerProps {
  /**
   * When scans run, as an EventBridge Scheduler `rate(...)` or `cron(...)` expression.
   * @default 'rate(1 day)'
   */
  readonly schedule?: string;
  /**
   * How often the schedule fires, for the alarm on missing scans, in whole minutes up to 31 days.
   * Needed with a `cron(...)` schedule.
   * @default - the interval of a `rate(...)` schedule
   */
  readonly scheduleInterval?: Duration;
  /**
   * Regions to scan.
   * @default - every region enabled in the account
   */
  readonly regions?: readonly string[];
  /**
   * Scan the member accounts of an AWS Organization through a role in each of them.
   * @default - only the account the stack is deployed in
   */
  readonly organization?: OrganizationOptions;
  /**
   * Address subscribed to the alert topic.
   * @default - no subscription; subscribe to the topic yourself
   */
  readonly alertEmail?: string;
  /**
   * Lowest severity of a new FAILED finding that is sent to the alert topic.
   * @default 'HIGH'
   */
  readonly minimumAlertSeverity?: AlertSeverity;
  /**
   * Control-plane log types every cluster must send.
   * @default ['api', 'audit', 'authenticator']
   */
  readonly requiredLogTypes?: readonly string[];
  /**
   * Warn when standard support of a cluster's version ends within this many days.
   * @default 90
   */
  readonly versionWarningDays?: number;
  /**
   * Days a cluster's control-plane log group must keep its events; never-expire passes.
   * @default 90
   */
  readonly minLogRetentionDays?: number;
  /**
   * IAM ARN patterns (`*` and `?`) of principals allowed to hold AmazonEKSClusterAdminPolicy
   * through an access entry; any other holder fails `cluster-admin-access`.
   * @default - none
   */
  readonly allowedAdminPrincipals?: readonly string[];
  /**
   * Run only these checks (ids as `eks-posture --list-checks` prints them); findings of the others
   * are left as they are.
   * @default - every check
   */
  readonly checks?: readonly string[];
  /**
   * Run every check but these; their findings are left as they are.
   * @default - none skipped
   */
  readonly skipChecks?: readonly string[];
  /**
   * Accepted risks, in the format of a mutelist file's `mutelist` entries. The construct keeps them
   * in an SSM parameter that the function reads at every scan; validated at synth.
   * @default - no mutelist, unless `mutelistParameterName` names one
   */
  readonly mutelist?: readonly MutelistEntry[];
  /**
   * Name or ARN of an existing SSM String parameter, in the scanner's account, holding a mutelist
   * document (YAML or JSON with `mutelist` entries), for teams that edit it without a deployment. The
   * function may read this parameter only.
   * @default - no mutelist, unless `mutelist` gives one
   */
  readonly mutelistParameterName?: string;
  /**
   * Re-import a finding whose content did not change only once this many days have passed since its
   * last import (1 to 60), to save Security Hub ingestion charges. New, changed, archived and muted
   * or unmuted findings always go at once.
   * @default 7
   */
  readonly refreshUnchangedDays?: number;
  /**
   * How the regions worth listing are found: `list` (every region of every account) or
   * `config:<aggregator>[@<region>]`, an AWS Config aggregator in the scanner's account that proves
   * which account regions hold no cluster (organization mode only; see the README's discovery section).
   * The role may then read that account's aggregators.
   * @default 'list'
   */
  readonly discovery?: string;
  /**
   * Memory of the scanner function, in MB (128 to 10240).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Time limit of one scan, in whole seconds up to 15 minutes.
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;
  /**
   * Fan an organization scan out over AWS Step Functions, one scanner invocation per account, for
   * organizations larger than one invocation can scan within its time limit. Organization mode only.
   * @default - one invocation scans every account
   */
  readonly fanOut?: FanOutOptions;
  /**
   * How long the scanner's logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}
