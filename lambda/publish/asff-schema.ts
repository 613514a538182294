/**
 * The AWS Security Finding Format as this scanner sends it, validated before every import.
 * Members, required members and enums follow the Security Hub API model (a test compares them with
 * botocore's copy of it); length limits follow the ASFF syntax reference:
 * https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format-syntax.html
 */
import * as z from 'zod';
import { SECURITY_HUB_PARTITIONS } from '../model/arn';

export const SCHEMA_VERSION = '2018-10-08';
export const MAX_FINDING_BYTES = 240 * 1024;

const text = (max: number) => z.string().regex(/\S/, 'must not be blank').max(max);
const timestamp = z.iso.datetime({ offset: true });
const label = z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
const findingType = z
  .string()
  .regex(
    /^(Software and Configuration Checks|TTPs|Effects|Unusual Behaviors|Sensitive Data Identifications)(\/[^/]+){0,2}$/,
    'must be namespace/category/classifier',
  );
const stringMap = (entries: number, keyMax: number, valueMax: number) =>
  z
    .record(z.string().min(1).max(keyMax), z.string().max(valueMax))
    .refine((map) => Object.keys(map).length <= entries, `at most ${entries} entries`);

const EksClusterDetails = z.strictObject({
  Arn: z.string().optional(),
  Name: z.string().optional(),
  Version: z.string().optional(),
  ClusterStatus: z.string().optional(),
  RoleArn: z.string().optional(),
  Endpoint: z.string().optional(),
  CertificateAuthorityData: z.string().optional(),
  ResourcesVpcConfig: z
    .strictObject({
      EndpointPublicAccess: z.boolean().optional(),
      SecurityGroupIds: z.array(z.string()).optional(),
      SubnetIds: z.array(z.string()).optional(),
    })
    .optional(),
  Logging: z
    .strictObject({
      ClusterLogging: z
        .array(z.strictObject({ Enabled: z.boolean().optional(), Types: z.array(z.string()).optional() }))
        .optional(),
    })
    .optional(),
});

const IamRoleDetails = z.strictObject({
  RoleName: z.string().optional(),
  AssumeRolePolicyDocument: z.string().max(131072).optional(),
  RoleId: z.string().optional(),
  Path: z.string().optional(),
  CreateDate: z.string().optional(),
  MaxSessionDuration: z.number().int().optional(),
});

const Resource = z.strictObject({
  Type: text(256),
  Id: text(512),
  Partition: z.enum(SECURITY_HUB_PARTITIONS).optional(),
  Region: text(32).optional(),
  Tags: stringMap(50, 128, 256).optional(),
  Details: z
    .strictObject({
      AwsEksCluster: EksClusterDetails.optional(),
      AwsIamRole: IamRoleDetails.optional(),
      Other: stringMap(50, 128, 1024).optional(),
    })
    .optional(),
});

export const AsffFinding = z
  .strictObject({
    SchemaVersion: z.literal(SCHEMA_VERSION),
    Id: text(512),
    ProductArn: z
      .string()
      .regex(
        new RegExp(
          `^arn:(${SECURITY_HUB_PARTITIONS.join('|')}):securityhub:[a-z0-9-]+:\\d{12}:product/\\d{12}/default$`,
        ),
      ),
    GeneratorId: text(512),
    AwsAccountId: z.string().regex(/^\d{12}$/),
    Region: text(32).optional(),
    Types: z.array(findingType).min(1).max(50).optional(),
    CreatedAt: timestamp,
    UpdatedAt: timestamp,
    FirstObservedAt: timestamp.optional(),
    LastObservedAt: timestamp.optional(),
    // Required on a new finding, and sent only then: after creation it is the customer's (see the refinement below).
    Severity: z.strictObject({ Label: label, Original: z.string().max(32).optional() }).optional(),
    FindingProviderFields: z
      .strictObject({
        Severity: z.strictObject({ Label: label, Original: z.string().max(32).optional() }).optional(),
        Types: z.array(findingType).max(50).optional(),
      })
      .optional(),
    Title: text(256),
    Description: text(1024),
    Remediation: z
      .strictObject({
        Recommendation: z.strictObject({ Text: text(512).optional(), Url: z.url().max(512).optional() }),
      })
      .optional(),
    ProductFields: stringMap(50, 128, 2048).optional(),
    Compliance: z
      .strictObject({ Status: z.enum(['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE']) })
      .optional(),
    RecordState: z.enum(['ACTIVE', 'ARCHIVED']).optional(),
    Resources: z.array(Resource).min(1).max(32),
  })
  .refine((f) => f.Severity !== undefined || f.FindingProviderFields?.Severity !== undefined, {
    message: 'needs Severity or FindingProviderFields.Severity',
    path: ['Severity'],
  })
  .refine((f) => Buffer.byteLength(JSON.stringify(f)) <= MAX_FINDING_BYTES, 'finding is larger than 240 KB');

export type AsffFinding = z.infer<typeof AsffFinding>;

/** Every problem of an invalid finding, one line each; empty when it is valid. */
export function findingProblems(finding: unknown): string[] {
  const parsed = AsffFinding.safeParse(finding);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => `${issue.path.join('.') || 'finding'}: ${issue.message}`);
}
