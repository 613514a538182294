/**
 * The AWS Security Finding Format as this scanner sends it, validated before every import.
 * Members, required members and enums follow the Security Hub API model (a test compares them with
 * botocore's copy of it); length limits follow the ASFF syntax reference:
 * https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format-syntax.html
 */
import * as z from 'zod/mini';
import '../zod-messages';
import { SECURITY_HUB_PARTITIONS } from '../model/arn';

export const SCHEMA_VERSION = '2018-10-08';
export const MAX_FINDING_BYTES = 240 * 1024;

const text = (max: number) => z.string().check(z.regex(/\S/, 'must not be blank'), z.maxLength(max));
const timestamp = z.iso.datetime({ offset: true });
const label = z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
const findingType = z
  .string()
  .check(
    z.regex(
      /^(Software and Configuration Checks|TTPs|Effects|Unusual Behaviors|Sensitive Data Identifications)(\/[^/]+){0,2}$/,
      'must be namespace/category/classifier',
    ),
  );
const stringMap = (entries: number, keyMax: number, valueMax: number) =>
  z
    .record(z.string().check(z.minLength(1), z.maxLength(keyMax)), z.string().check(z.maxLength(valueMax)))
    .check(z.refine((map) => Object.keys(map).length <= entries, `at most ${entries} entries`));
const optionalStrings = () => z.optional(z.array(z.string()));
/** At most 10: the smallest limit AWS documents for a list of related findings. */
export const MAX_RELATED_FINDINGS = 10;
const relatedFindings = () =>
  z
    .array(z.strictObject({ ProductArn: text(2048), Id: text(512) }))
    .check(z.minLength(1), z.maxLength(MAX_RELATED_FINDINGS));

const EksClusterDetails = z.strictObject({
  Arn: z.optional(z.string()),
  Name: z.optional(z.string()),
  Version: z.optional(z.string()),
  ClusterStatus: z.optional(z.string()),
  RoleArn: z.optional(z.string()),
  Endpoint: z.optional(z.string()),
  CertificateAuthorityData: z.optional(z.string()),
  ResourcesVpcConfig: z.optional(
    z.strictObject({
      EndpointPublicAccess: z.optional(z.boolean()),
      SecurityGroupIds: optionalStrings(),
      SubnetIds: optionalStrings(),
    }),
  ),
  Logging: z.optional(
    z.strictObject({
      ClusterLogging: z.optional(
        z.array(z.strictObject({ Enabled: z.optional(z.boolean()), Types: optionalStrings() })),
      ),
    }),
  ),
});

const IamRoleDetails = z.strictObject({
  RoleName: z.optional(z.string()),
  AssumeRolePolicyDocument: z.optional(z.string().check(z.maxLength(131072))),
  RoleId: z.optional(z.string()),
  Path: z.optional(z.string()),
  CreateDate: z.optional(z.string()),
  MaxSessionDuration: z.optional(z.number().check(z.int())),
});

const Resource = z.strictObject({
  Type: text(256),
  Id: text(512),
  Partition: z.optional(z.enum(SECURITY_HUB_PARTITIONS)),
  Region: z.optional(text(32)),
  Tags: z.optional(stringMap(50, 128, 256)),
  Details: z.optional(
    z.strictObject({
      AwsEksCluster: z.optional(EksClusterDetails),
      AwsIamRole: z.optional(IamRoleDetails),
      Other: z.optional(stringMap(50, 128, 1024)),
    }),
  ),
});

const severity = () =>
  z.optional(z.strictObject({ Label: label, Original: z.optional(z.string().check(z.maxLength(32))) }));

export const AsffFinding = z
  .strictObject({
    SchemaVersion: z.literal(SCHEMA_VERSION),
    Id: text(512),
    ProductArn: z
      .string()
      .check(
        z.regex(
          new RegExp(
            `^arn:(${SECURITY_HUB_PARTITIONS.join('|')}):securityhub:[a-z0-9-]+:\\d{12}:product/\\d{12}/default$`,
          ),
        ),
      ),
    GeneratorId: text(512),
    AwsAccountId: z.string().check(z.regex(/^\d{12}$/)),
    Region: z.optional(text(32)),
    Types: z.optional(z.array(findingType).check(z.minLength(1), z.maxLength(50))),
    CreatedAt: timestamp,
    UpdatedAt: timestamp,
    FirstObservedAt: z.optional(timestamp),
    LastObservedAt: z.optional(timestamp),
    // Required on a new finding, and sent only then: after creation it is the customer's (see the refinement below).
    Severity: severity(),
    // Like Severity: sent at the top level only on a new finding, in FindingProviderFields always.
    RelatedFindings: z.optional(relatedFindings()),
    FindingProviderFields: z.optional(
      z.strictObject({
        Severity: severity(),
        Types: z.optional(z.array(findingType).check(z.maxLength(50))),
        RelatedFindings: z.optional(relatedFindings()),
      }),
    ),
    Title: text(256),
    Description: text(1024),
    Remediation: z.optional(
      z.strictObject({
        Recommendation: z.strictObject({
          Text: z.optional(text(512)),
          Url: z.optional(z.url().check(z.maxLength(512))),
        }),
      }),
    ),
    ProductFields: z.optional(stringMap(50, 128, 2048)),
    Compliance: z.optional(
      z.strictObject({ Status: z.enum(['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE']) }),
    ),
    RecordState: z.optional(z.enum(['ACTIVE', 'ARCHIVED'])),
    Resources: z.array(Resource).check(z.minLength(1), z.maxLength(32)),
  })
  .check(
    z.refine((f) => f.Severity !== undefined || f.FindingProviderFields?.Severity !== undefined, {
      message: 'needs Severity or FindingProviderFields.Severity',
      path: ['Severity'],
    }),
    z.refine(
      (f) => Buffer.byteLength(JSON.stringify(f)) <= MAX_FINDING_BYTES,
      'finding is larger than 240 KB',
    ),
  );

export type AsffFinding = z.infer<typeof AsffFinding>;

/** Every problem of an invalid finding, one line each; empty when it is valid. */
export function findingProblems(finding: unknown): string[] {
  const parsed = AsffFinding.safeParse(finding);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => `${issue.path.join('.') || 'finding'}: ${issue.message}`);
}
