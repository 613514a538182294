/**
 * The OCSF report: one OCSF 1.6.0 Compliance Finding event (class 2003) per result, as one JSON
 * array. Ids, captions and attribute places follow the schema files of that version; the unit test
 * compiles a validator from them and checks every event against it.
 * https://schema.ocsf.io/1.6.0/classes/compliance_finding
 */
import { createHash } from 'node:crypto';
import { arnName, arnRegion, parseArn } from '../model/arn';
import { findingId, GENERATOR_PREFIX } from '../model/finding-id';
import type { RunReport } from '../model/report';
import { type CheckResult, isPublishable, type ResultStatus, type Severity } from '../model/result';
import { SCANNER_VERSION } from '../scanner-version';

export const OCSF_VERSION = '1.6.0';

const CATEGORY = { uid: 2, name: 'Findings' } as const;
const CLASS = { uid: 2003, name: 'Compliance Finding' } as const;
const ACTIVITY = { id: 1, name: 'Create' } as const;

/** `severity_id` and its caption, from the dictionary's enum. */
const SEVERITY: Record<Severity, { readonly id: number; readonly caption: string }> = {
  INFORMATIONAL: { id: 1, caption: 'Informational' },
  LOW: { id: 2, caption: 'Low' },
  MEDIUM: { id: 3, caption: 'Medium' },
  HIGH: { id: 4, caption: 'High' },
  CRITICAL: { id: 5, caption: 'Critical' },
};

/**
 * `compliance.status_id`: Pass 1, Warning 2, Fail 3, and the dictionary's Unknown 0 for a result
 * that could not be judged (Warning's own description, "missing information", would blur it with
 * our WARNING, which is a verdict).
 */
const COMPLIANCE_STATUS: Record<ResultStatus, { readonly id: number; readonly caption: string }> = {
  PASSED: { id: 1, caption: 'Pass' },
  WARNING: { id: 2, caption: 'Warning' },
  FAILED: { id: 3, caption: 'Fail' },
  NOT_AVAILABLE: { id: 0, caption: 'Unknown' },
};

/** The finding's own (workflow) `status_id`: every result is New; a muted one was reviewed and accepted. */
const FINDING_NEW = { id: 1, caption: 'New' } as const;
const FINDING_SUPPRESSED = { id: 3, caption: 'Suppressed' } as const;

/** `account.type_id` 10: AWS Account. */
const AWS_ACCOUNT = { id: 10, caption: 'AWS Account' } as const;
/** `resource_details.role_id`: the resource judged, and the cluster it belongs to. */
const ROLE_TARGET = { id: 1, caption: 'Target' } as const;
const ROLE_RELATED = { id: 4, caption: 'Related' } as const;

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json | undefined };
type Event = { readonly [key: string]: Json | undefined };

export function renderOcsf(report: RunReport): string {
  const times = { started: Date.parse(report.startedAt), finished: Date.parse(report.finishedAt) };
  return `${JSON.stringify(
    report.results.map((result) => toEvent(result, times)),
    null,
    2,
  )}\n`;
}

/**
 * The event's `finding_info.uid`: the ASFF finding Id when the result has an ARN, so the two formats
 * correlate. Otherwise (a node group that could not be described) a digest of what names the
 * resource; its input starts with a word no ARN starts with, so it never meets an ARN's digest.
 */
export function ocsfFindingUid(result: CheckResult): string {
  if (isPublishable(result)) return findingId(result);
  const digest = createHash('sha256')
    .update(
      `unidentified\n${result.resource.type}\n${result.clusterArn ?? ''}\n${result.resource.name}\n${result.oidcIssuer ?? ''}`,
    )
    .digest('hex')
    .slice(0, 32);
  return `${GENERATOR_PREFIX}${result.accountId}/${result.region}/${result.checkId}/${digest}`;
}

function toEvent(result: CheckResult, times: { readonly started: number; readonly finished: number }): Event {
  const severity = SEVERITY[result.severity];
  const compliance = COMPLIANCE_STATUS[result.status];
  const findingStatus = result.muted ? FINDING_SUPPRESSED : FINDING_NEW;
  const partition = partitionOf(result);
  return {
    activity_id: ACTIVITY.id,
    activity_name: ACTIVITY.name,
    category_uid: CATEGORY.uid,
    category_name: CATEGORY.name,
    class_uid: CLASS.uid,
    class_name: CLASS.name,
    type_uid: CLASS.uid * 100 + ACTIVITY.id,
    type_name: `${CLASS.name}: ${ACTIVITY.name}`,
    severity_id: severity.id,
    severity: severity.caption,
    status_id: findingStatus.id,
    status: findingStatus.caption,
    ...(result.muted ? muteAttributes(result.muted) : {}),
    time: times.finished,
    finding_info: {
      uid: ocsfFindingUid(result),
      title: result.title,
      desc: result.detail,
      // The run knows only when it saw the result, not when it first appeared: that is Security Hub's.
      created_time: times.finished,
      first_seen_time: times.started,
      last_seen_time: times.finished,
      // The findings an exposure path's traits came from: each a finding of this feed (same uid).
      ...(result.related && result.related.length > 0
        ? {
            related_events: result.related.map((r) => ({
              uid: findingId(r),
              type_uid: CLASS.uid * 100 + ACTIVITY.id,
              type_name: `${CLASS.name}: ${ACTIVITY.name}`,
            })),
          }
        : {}),
    },
    compliance: {
      control: result.checkId,
      status_id: compliance.id,
      status: compliance.caption,
    },
    resources: resourcesOf(result, partition),
    cloud: {
      provider: 'AWS',
      region: result.region,
      ...(partition ? { cloud_partition: partition } : {}),
      account: { uid: result.accountId, type_id: AWS_ACCOUNT.id, type: AWS_ACCOUNT.caption },
    },
    remediation: { desc: result.remediation.text, references: [result.remediation.url] },
    metadata: {
      version: OCSF_VERSION,
      // The cloud profile makes `cloud` required and admits `region`/`cloud_partition` on resources.
      profiles: ['cloud'],
      event_code: result.checkId,
      product: { name: 'eks-posture', vendor_name: 'eks-posture', version: SCANNER_VERSION },
    },
  };
}

/**
 * Where a muted result's acceptance goes: `comment` is the finding's user-provided comment (the
 * entry's reason, verbatim), `status_detail` says it in one line, and `unmapped` keeps the fields
 * apart for machines, since no OCSF attribute holds an owner or an expiry day of a suppression.
 */
function muteAttributes(mute: NonNullable<CheckResult['muted']>): Event {
  const by = mute.owner ? `; owner ${mute.owner}` : '';
  const until = mute.expires ? `; expires ${mute.expires}` : '';
  return {
    comment: mute.reason,
    status_detail: `Accepted risk, mutelist entry ${mute.entry}${by}${until}: ${mute.reason}`,
    unmapped: {
      mute: {
        entry: mute.entry,
        reason: mute.reason,
        ...(mute.owner ? { owner: mute.owner } : {}),
        ...(mute.expires ? { expires: mute.expires } : {}),
      },
    },
  };
}

function resourcesOf(result: CheckResult, partition: string | undefined): Json[] {
  const cloud = { region: result.region, ...(partition ? { cloud_partition: partition } : {}) };
  const subject = {
    ...(result.resource.id ? { uid: result.resource.id } : {}),
    name: result.resource.name,
    type: result.resource.type,
    role_id: ROLE_TARGET.id,
    role: ROLE_TARGET.caption,
    ...cloud,
    ...(result.oidcIssuer || result.trustGrade || result.permissionTier
      ? {
          data: {
            ...(result.oidcIssuer ? { oidcIssuer: result.oidcIssuer } : {}),
            ...(result.trustGrade ? { trustGrade: result.trustGrade } : {}),
            ...(result.permissionTier ? { permissionTier: result.permissionTier } : {}),
          },
        }
      : {}),
  };
  // A result about a node group or role names its cluster too; a cluster's own result does not repeat it.
  if (result.clusterArn === undefined || result.clusterArn === result.resource.id) return [subject];
  const cluster = {
    uid: result.clusterArn,
    name: arnName(result.clusterArn),
    type: 'AwsEksCluster',
    role_id: ROLE_RELATED.id,
    role: ROLE_RELATED.caption,
    ...cloud,
    region: arnRegion(result.clusterArn) ?? result.region,
  };
  return [subject, cluster];
}

function partitionOf(result: CheckResult): string | undefined {
  const arn = result.resource.id ?? result.clusterArn;
  return arn === undefined ? undefined : parseArn(arn)?.partition;
}
