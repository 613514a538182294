import { failed, notAvailable, type Outcome, passed } from '../model/result';
import { type InstanceMetadataOptions, launchTemplateKey, type NodegroupSnapshot } from '../model/snapshot';
import type { NodegroupCheck } from './types';

/** What one metadata option makes of pod access to the node's credentials. */
type Part =
  | { readonly kind: 'ok'; readonly text: string }
  | { readonly kind: 'fail'; readonly severity: 'MEDIUM' | 'LOW'; readonly text: string }
  | { readonly kind: 'unknown'; readonly text: string };

const MAX_HOP_LIMIT = 64;

export const nodegroupInstanceMetadata: NodegroupCheck = {
  metadata: {
    id: 'nodegroup-instance-metadata',
    title: "EKS managed node group requires IMDSv2 and keeps pods from the node role's credentials",
    resourceType: 'AwsEksNodegroup',
    severities: ['MEDIUM', 'LOW'],
    severityRules:
      "Judges the MetadataOptions of the launch template version the node group runs (the template's default version when the node group names none). PASSED when HttpEndpoint is disabled (no instance metadata at all), or when HttpTokens is required and HttpPutResponseHopLimit is 1: IMDSv1 is off and IMDSv2 responses do not reach pods outside the host network. FAILED MEDIUM when HttpTokens is optional: IMDSv1 answers a plain GET from any pod, whatever the hop limit; the detail also names a hop limit above 1 when there is one. FAILED LOW when IMDSv2 is required but the hop limit is above 1: pods can fetch the node role's credentials. A field the template does not set is never taken as compliant: EC2 then applies the account-level IMDS defaults (not read), then the AMI's IMDS support. An unset HttpTokens is FAILED MEDIUM for AL2 AMI types (EKS AL2 AMIs are not registered IMDSv2-only, so EC2 allows IMDSv1 unless an account-level default requires IMDSv2) and not judged for other AMI types (AL2023 and Bottlerocket base images require IMDSv2 by default, but the AMI's registration is not read). An unset hop limit is not judged (EC2 uses 2 for an AMI registered IMDSv2-only and 1 otherwise). An unset HttpEndpoint is enabled, EC2's default. Without a custom launch template, EKS's documented defaults are judged, not a read template: AL2023 node groups PASSED (EKS requires IMDSv2 with a hop limit of 1 for them), every other AMI type FAILED LOW (EKS sets the hop limit to 2 in the template it generates). NOT_AVAILABLE when the launch template version could not be read, when DescribeNodegroup names a template without its id, when a field holds a value EC2 does not document, when no field fails but one is not judged, and when there is no custom launch template and no AMI type.",
    remediation: {
      text: 'Create a launch template version that requires IMDSv2 with a hop limit of 1: aws ec2 create-launch-template-version --launch-template-id <id> --source-version <v> --launch-template-data \'{"MetadataOptions":{"HttpEndpoint":"enabled","HttpTokens":"required","HttpPutResponseHopLimit":1}}\', then aws eks update-nodegroup-version --cluster-name <c> --nodegroup-name <n> --launch-template id=<id>,version=<new-version>. A node group without a custom launch template cannot be given one: replace it with a node group created from such a template. Give pods that need AWS access EKS Pod Identity or IRSA instead of the node role.',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html',
    },
    references: [
      'https://docs.aws.amazon.com/eks/latest/userguide/best-practices-security.html',
      'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html',
      'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
      'https://docs.aws.amazon.com/eks/latest/userguide/al2023.html',
    ],
  },
  evaluate(nodegroup, context) {
    const id = nodegroup.launchTemplateId;
    if (id === undefined) {
      if (nodegroup.launchTemplate !== undefined) {
        return notAvailable(
          `DescribeNodegroup names launch template ${nodegroup.launchTemplate} without its id, so its metadata options could not be read.`,
        );
      }
      return eksDefault(nodegroup.amiType);
    }
    const template = templateName(nodegroup, id);
    const options = context.launchTemplate(
      nodegroup.accountId,
      nodegroup.region,
      launchTemplateKey(id, nodegroup.launchTemplateVersion),
    );
    if (options === undefined) return notAvailable(`The metadata options of ${template} were not read.`);
    if (!options.known) {
      return notAvailable(`The metadata options of ${template} could not be read: ${options.reason}.`);
    }
    return judgeOptions(capitalize(template), options.value, nodegroup.amiType);
  },
};

/** The template EKS generates when the node group names none: not read, judged by what EKS documents of it. */
function eksDefault(amiType: string | undefined): Outcome {
  const generated = 'The node group has no custom launch template, so it runs the one EKS generates';
  if (amiType === undefined) {
    return notAvailable(
      `${generated}, whose metadata options depend on the AMI type, and DescribeNodegroup returned no AMI type.`,
    );
  }
  if (isAmiFamily(amiType, 'AL2023')) {
    return passed(
      `${generated}: for ${amiType} node groups EKS documents IMDSv2 as required with a metadata response hop limit of 1, so pods outside the host network cannot reach the instance metadata service. This is EKS's documented default, not a template this scan read.`,
    );
  }
  return failed(
    'LOW',
    `${generated}: EKS documents that this template sets the metadata response hop limit to 2 so that containers can use IMDSv2, which lets every pod on the node fetch the node role's credentials. This is EKS's documented default for ${amiType} node groups, not a template this scan read; blocking pod access takes a custom launch template with a hop limit of 1.`,
  );
}

function judgeOptions(
  template: string,
  options: InstanceMetadataOptions,
  amiType: string | undefined,
): Outcome {
  const endpoint = options.httpEndpoint?.toLowerCase();
  if (endpoint === 'disabled') {
    return passed(
      `${template} disables the instance metadata service (HttpEndpoint disabled): neither the node nor its pods can reach it.`,
    );
  }
  if (endpoint !== undefined && endpoint !== 'enabled') {
    return notAvailable(
      `${template} sets HttpEndpoint '${options.httpEndpoint}', which is not a value EC2 documents; it cannot be judged.`,
    );
  }
  const parts = [tokensPart(options.httpTokens, amiType), hopLimitPart(options.httpPutResponseHopLimit)];
  const failures = parts.flatMap((p) => (p.kind === 'fail' ? [p] : []));
  const unknowns = parts.flatMap((p) => (p.kind === 'unknown' ? [p.text] : []));
  if (failures.length > 0) {
    const severity = failures.some((f) => f.severity === 'MEDIUM') ? 'MEDIUM' : 'LOW';
    const notJudged = unknowns.length > 0 ? ` Not judged: ${unknowns.join('; ')}.` : '';
    return failed(severity, `${template}: ${failures.map((f) => f.text).join('; ')}.${notJudged}`);
  }
  if (unknowns.length > 0) {
    const judged = parts.flatMap((p) => (p.kind === 'ok' ? [p.text] : []));
    return notAvailable(`${template}: ${[...judged, ...unknowns].join('; ')}.`);
  }
  return passed(
    `${template} requires IMDSv2 (HttpTokens required) with a metadata response hop limit of 1: IMDSv1 is off and pods outside the host network cannot reach the instance metadata service.`,
  );
}

function tokensPart(tokens: string | undefined, amiType: string | undefined): Part {
  const value = tokens?.toLowerCase();
  if (value === 'required') return { kind: 'ok', text: 'IMDSv2 is required (HttpTokens required)' };
  if (value === 'optional') {
    return {
      kind: 'fail',
      severity: 'MEDIUM',
      text: "IMDSv1 is allowed (HttpTokens optional): any pod on the node can read the node role's credentials with a plain GET, whatever the hop limit",
    };
  }
  if (tokens !== undefined) {
    return { kind: 'unknown', text: `HttpTokens '${tokens}' is not a value EC2 documents` };
  }
  if (amiType !== undefined && isAmiFamily(amiType, 'AL2')) {
    return {
      kind: 'fail',
      severity: 'MEDIUM',
      text: `HttpTokens is not set in the launch template, and the EKS ${amiType} AMI is not registered IMDSv2-only, so EC2 allows IMDSv1 (any pod can read the node role's credentials with a plain GET) unless an account-level IMDS default requires IMDSv2, which is not read`,
    };
  }
  const ami = amiType === undefined ? 'the AMI' : `the ${amiType} AMI`;
  const family =
    amiType !== undefined && (isAmiFamily(amiType, 'AL2023') || isAmiFamily(amiType, 'BOTTLEROCKET'))
      ? ' (AL2023 and Bottlerocket base images require IMDSv2 by default)'
      : '';
  return {
    kind: 'unknown',
    text: `HttpTokens is not set in the launch template: whether IMDSv1 is allowed then depends on the account-level IMDS defaults and on whether ${ami} is registered IMDSv2-only${family}, and neither is read`,
  };
}

function hopLimitPart(limit: number | undefined): Part {
  if (limit === undefined) {
    return {
      kind: 'unknown',
      text: 'HttpPutResponseHopLimit is not set in the launch template: EC2 then applies the account-level IMDS default if one is set, else 2 for an AMI registered IMDSv2-only and 1 for any other, and neither is read',
    };
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HOP_LIMIT) {
    return {
      kind: 'unknown',
      text: `HttpPutResponseHopLimit ${limit} is not a valid hop limit (1 to ${MAX_HOP_LIMIT})`,
    };
  }
  if (limit === 1) return { kind: 'ok', text: 'the metadata response hop limit is 1' };
  return {
    kind: 'fail',
    severity: 'LOW',
    text: `the metadata response hop limit is ${limit}: IMDSv2 responses reach the node's containers, so pods can fetch the node role's credentials`,
  };
}

/** `AL2_x86_64` is of the AL2 family, `AL2023_x86_64_STANDARD` of AL2023 and not of AL2. */
function isAmiFamily(amiType: string, family: string): boolean {
  return amiType.toUpperCase().startsWith(`${family}_`);
}

function templateName(nodegroup: NodegroupSnapshot, id: string): string {
  const shown = nodegroup.launchTemplate;
  const name = shown === undefined || shown === id ? id : `${shown} (${id})`;
  const version = nodegroup.launchTemplateVersion;
  return `launch template ${name} ${version === undefined ? 'at its default version' : `version ${version}`}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
