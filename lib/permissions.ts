import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { PUBLISH_OPERATIONS, SCAN_READ_OPERATIONS } from '../lambda/collect/operations';

/**
 * What any role that scans an account needs, and nothing more: the scan's read calls (the
 * operation names are the IAM action names), and Security Hub import and read-back limited to that
 * account's own hub and default product.
 */
export function grantScanAndPublish(role: iam.Role): void {
  const stack = Stack.of(role);
  const [importFindings, getFindings] = PUBLISH_OPERATIONS;
  role.addToPolicy(
    new iam.PolicyStatement({ sid: 'ScanReads', actions: [...SCAN_READ_OPERATIONS], resources: ['*'] }),
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
  acknowledge(role, [
    [
      'AwsSolutions-IAM5[Resource::*]',
      'The scan lists and describes EKS clusters, node groups, access entries and Pod Identity associations, EC2 subnets, route tables and security groups, IAM roles and OIDC providers, KMS keys and regions whose names are not known before it runs; these list and describe actions are granted on * only, and nothing else is.',
    ],
    [
      `AwsSolutions-IAM5[Resource::arn:${partition}:securityhub:*:<AWS::AccountId>:product/<AWS::AccountId>/default]`,
      "Findings are imported in every scanned region, into this account's own default product only.",
    ],
    [
      `AwsSolutions-IAM5[Resource::arn:${partition}:securityhub:*:<AWS::AccountId>:hub/default]`,
      "Findings are read back in every scanned region, from this account's own hub only.",
    ],
  ]);
}

/** cdk-nag names resources as CloudFormation shows them: a literal partition, or the pseudo parameter. */
export function nagPartition(scope: IConstruct): string {
  const partition = Stack.of(scope).partition;
  return Token.isUnresolved(partition) ? '<AWS::Partition>' : partition;
}

/** Acknowledges cdk-nag rules on a construct, each with its reason. */
export function acknowledge(scope: IConstruct, rules: readonly (readonly [string, string])[]): void {
  for (const [id, reason] of rules) Validations.of(scope).acknowledge({ id: `AwsSolutions::${id}`, reason });
}
