/**
 * The finding schema against the Security Hub API model as botocore ships it on this machine:
 * every member we send must exist in the model, every member the model requires must be required
 * here, and our enums must be the model's.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { AsffFinding, findingProblems } from '../../../lambda/publish/asff-schema';
import { aClusterResult, mapFinding } from '../../support/results';

interface ModelShape {
  readonly required: string[];
  readonly members: string[];
  readonly enums: Record<string, string[]>;
}

function botocoreModel(shapes: string[]): Record<string, ModelShape> {
  const script = `
import json, sys, botocore.session
model = botocore.session.get_session().get_service_model('securityhub')
out = {}
for name in sys.argv[1:]:
    shape = model.shape_for(name)
    out[name] = {
        'required': list(shape.required_members),
        'members': list(shape.members),
        'enums': {k: list(v.enum) for k, v in shape.members.items() if getattr(v, 'enum', None)},
    }
print(json.dumps(out))
`;
  return JSON.parse(execFileSync('python3', ['-c', script, ...shapes], { encoding: 'utf8' })) as Record<
    string,
    ModelShape
  >;
}

const model = botocoreModel([
  'AwsSecurityFinding',
  'Resource',
  'ResourceDetails',
  'AwsEksClusterDetails',
  'AwsIamRoleDetails',
  'Compliance',
  'Severity',
  'FindingProviderFields',
]);

// The product's schemas are zod/mini ones: read them through zod's core classes, which both flavours share.
type Schema = z.core.$ZodType;

function objectShape(schema: Schema): Record<string, Schema> {
  return (schema as z.core.$ZodObject)._zod.def.shape as Record<string, Schema>;
}

function unwrap(schema: Schema): Schema {
  let current = schema;
  while (current instanceof z.core.$ZodOptional || current instanceof z.core.$ZodArray) {
    current = current instanceof z.core.$ZodOptional ? current._zod.def.innerType : current._zod.def.element;
  }
  return current;
}

function options(schema: Schema): unknown[] {
  return Object.values((unwrap(schema) as z.core.$ZodEnum)._zod.def.entries);
}

describe('Schema: AsffFinding against the Security Hub API model', () => {
  const finding = objectShape(AsffFinding);

  it('sends only members the model defines', () => {
    expect(model.AwsSecurityFinding?.members).toEqual(expect.arrayContaining(Object.keys(finding)));
    const resource = objectShape(unwrap(finding.Resources as Schema));
    expect(model.Resource?.members).toEqual(expect.arrayContaining(Object.keys(resource)));
    const details = objectShape(unwrap(resource.Details as Schema));
    expect(model.ResourceDetails?.members).toEqual(expect.arrayContaining(Object.keys(details)));
    expect(model.AwsEksClusterDetails?.members).toEqual(
      expect.arrayContaining(Object.keys(objectShape(unwrap(details.AwsEksCluster as Schema)))),
    );
    expect(model.AwsIamRoleDetails?.members).toEqual(
      expect.arrayContaining(Object.keys(objectShape(unwrap(details.AwsIamRole as Schema)))),
    );
  });

  it('requires every member the model requires', () => {
    const required = Object.entries(finding)
      .filter(([, schema]) => !(schema instanceof z.core.$ZodOptional))
      .map(([name]) => name);
    expect(required).toEqual(
      expect.arrayContaining(model.AwsSecurityFinding?.required ?? ['(model missing)']),
    );
  });

  it('uses the model enums for compliance status, severity label, record state and partition', () => {
    const compliance = objectShape(unwrap(finding.Compliance as Schema));
    expect(options(compliance.Status as Schema)).toEqual(model.Compliance?.enums.Status);
    const severity = objectShape(unwrap(finding.Severity as Schema));
    expect(options(severity.Label as Schema)).toEqual(model.Severity?.enums.Label);
    expect(options(finding.RecordState as Schema)).toEqual(model.AwsSecurityFinding?.enums.RecordState);
    const resource = objectShape(unwrap(finding.Resources as Schema));
    expect(options(resource.Partition as Schema)).toEqual(model.Resource?.enums.Partition);
  });
});

describe('Function: findingProblems', () => {
  const valid = mapFinding(aClusterResult(), new Date('2026-11-23T12:00:00Z'));

  it('accepts a mapped finding', () => {
    expect(findingProblems(valid)).toEqual([]);
  });

  it.each([
    ['a blank title', { Title: '   ' }, 'Title: must not be blank'],
    ['a description over 1024 characters', { Description: 'd'.repeat(1025) }, 'Description'],
    [
      'a product ARN of another product',
      { ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/guardduty' },
      'ProductArn',
    ],
    ['an account id that is not 12 digits', { AwsAccountId: '1234' }, 'AwsAccountId'],
    ['a time that is not ISO 8601', { UpdatedAt: 'yesterday' }, 'UpdatedAt'],
    ['an unknown severity', { Severity: { Label: 'SEVERE' } }, 'Severity.Label'],
    ["a member the scanner never sends (the customer's)", { Note: { Text: 'x', UpdatedBy: 'me' } }, 'Note'],
    ['no resources', { Resources: [] }, 'Resources'],
    ['a type outside the ASFF namespaces', { Types: ['Security/Stuff'] }, 'Types.0'],
  ])('rejects %s', (_, change, path) => {
    const problems = findingProblems({ ...valid, ...change });
    expect(problems.join('\n')).toContain(path);
  });

  it('rejects a finding over 240 KB', () => {
    const huge = {
      ...valid,
      ProductFields: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'.repeat(2048)])),
    };
    const hugeResources = {
      ...huge,
      Resources: Array.from({ length: 32 }, () => ({
        ...valid.Resources[0],
        Details: {
          Other: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`o${i}`, 'w'.repeat(1024)])),
        },
      })),
    };
    expect(findingProblems(hugeResources).join('\n')).toContain('larger than 240 KB');
  });
});
