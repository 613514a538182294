/**
 * Every AWS operation the scan reads with, as `<service>:<Operation>` (also the IAM action name).
 * The CDK roles grant exactly these; a test checks them against the calls a scan really makes.
 */
export const SCAN_READ_OPERATIONS = [
  'ec2:DescribeLaunchTemplateVersions',
  'ec2:DescribeRegions',
  'ec2:DescribeRouteTables',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'eks:DescribeAddon',
  'eks:DescribeAddonVersions',
  'eks:DescribeCluster',
  'eks:DescribeClusterVersions',
  'eks:DescribeInsight',
  'eks:DescribeNodegroup',
  'eks:DescribePodIdentityAssociation',
  'eks:ListAccessEntries',
  'eks:ListAddons',
  'eks:ListAssociatedAccessPolicies',
  'eks:ListClusters',
  'eks:ListInsights',
  'eks:ListNodegroups',
  'eks:ListPodIdentityAssociations',
  'guardduty:GetDetector',
  'guardduty:ListDetectors',
  'iam:GetAccountAuthorizationDetails',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'iam:ListOpenIDConnectProviders',
  'iam:ListUsers',
  'kms:DescribeKey',
  'logs:DescribeLogGroups',
] as const;

/**
 * The reads of AWS-managed policies: only `arn:<partition>:iam::aws:policy/...` is ever read with
 * them (customer-managed documents come in the GetAccountAuthorizationDetails pages), so they are
 * granted on those ARNs alone.
 */
export const AWS_MANAGED_POLICY_READ_OPERATIONS = ['iam:GetPolicy', 'iam:GetPolicyVersion'] as const;

/** Calls that need no permission: sts:GetCallerIdentity is allowed to every identity. */
export const UNAUTHORIZED_OPERATIONS = ['sts:GetCallerIdentity'] as const;

export const PUBLISH_OPERATIONS = ['securityhub:BatchImportFindings', 'securityhub:GetFindings'] as const;
