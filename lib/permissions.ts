import { CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import {
  AWS_MANAGED_POLICY_READ_OPERATIONS,
  PUBLISH_OPERATIONS,
  SCAN_READ_OPERATIONS,
} from '../lambda/collect/operations';

/**
 * What any role that scans an account needs, and nothing more: the scan's read calls (the
 * operation names are the IAM action names), and Security Hub import and read-back limited to that
 * account's own hub and default product.
 */
export function grantScanAndPublish(role: iam.Role): void {
  const stack = Stack.of(role);
  const [importFindings, getFindings] = PUBLISH_OPERATIONS;
  const managedPolicyReads: readonly string[] = AWS_MANAGED_POLICY_READ_OPERATIONS;
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ScanReads',
      actions: SCAN_READ_OPERATIONS.filter((operation) => !managedPolicyReads.includes(operation)),
      resources: ['*'],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'AwsManagedPolicyReads',
      actions: [...AWS_MANAGED_POLICY_READ_OPERATIONS],
      resources: [`arn:${stack.partition}:iam::aws:policy/*`],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'SecurityHubImport',
      actions: [importFindings],
      resources: [`arn:${stack.partition}:securityhub:*:${stack.account}:product/${stack.account}/default`],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'SecurityHubReadBack',
      actions: [getFindings],
      resources: [`arn:${stack.partition}:securityhub:*:${stack.account}:hub/default`],
    }),
  );
  const partition = nagPartition(role);
  const account = nagAccount(role);
  acknowledge(role, [
    [
      'AwsSolutions-IAM5[Resource::*]',
      'The scan lists and describes EKS clusters, node groups, access entries, Pod Identity associations, add-ons and insights, EC2 subnets, route tables, security groups and launch templates, IAM roles, users and OIDC providers, KMS keys, CloudWatch log groups, GuardDuty detectors and regions whose names are not known before it runs; these list and describe actions are granted on * only, and nothing else is.',
    ],
    [
      `AwsSolutions-IAM5[Resource::arn:${partition}:iam::aws:policy/*]`,
      "AWS-managed policies attached to EKS-trusted roles are read to judge what the roles may do; their names are known only from the account's roles, and only AWS's own policies are readable this way.",
    ],
    [
      `AwsSolutions-IAM5[Resource::arn:${partition}:securityhub:*:${account}:product/${account}/default]`,
      "Findings are imported in every scanned region, into this account's own default product only.",
    ],
    [
      `AwsSolutions-IAM5[Resource::arn:${partition}:securityhub:*:${account}:hub/default]`,
      "Findings are read back in every scanned region, from this account's own hub only.",
    ],
  ]);
}

/**
 * cdk-nag names resources as the template shows them: a literal where the stack's environment is
 * fixed (with `@aws-cdk/core:enablePartitionLiterals`, the partition too), the pseudo parameter otherwise.
 */
function nagName(value: string, pseudoParameter: string): string {
  return Token.isUnresolved(value) ? `<${pseudoParameter}>` : value;
}

export function nagPartition(scope: IConstruct): string {
  return nagName(Stack.of(scope).partition, 'AWS::Partition');
}

export function nagRegion(scope: IConstruct): string {
  return nagName(Stack.of(scope).region, 'AWS::Region');
}

export function nagAccount(scope: IConstruct): string {
  return nagName(Stack.of(scope).account, 'AWS::AccountId');
}

/**
 * The logical id of a construct's CloudFormation resource, computed from where it sits in the tree,
 * so that an acknowledgement naming it holds wherever the construct is placed.
 */
export function nagLogicalId(resource: IConstruct): string {
  const element = resource.node.defaultChild;
  if (!element || !CfnElement.isCfnElement(element)) {
    throw new Error(`${resource.node.path} has no CloudFormation resource to name`);
  }
  return Stack.of(resource).getLogicalId(element);
}

/** `<LogicalId.Arn>`: how cdk-nag names the ARN of a resource of the same stack. */
export function nagArn(resource: IConstruct): string {
  return `<${nagLogicalId(resource)}.Arn>`;
}

/** Acknowledges cdk-nag rules on a construct, each with its reason. */
export function acknowledge(scope: IConstruct, rules: readonly (readonly [string, string])[]): void {
  for (const [id, reason] of rules) Validations.of(scope).acknowledge({ id: `AwsSolutions::${id}`, reason });
}
