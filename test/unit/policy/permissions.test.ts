import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RolePermissions } from '../../../lambda/model/snapshot';
import { readPermissionPolicy } from '../../../lambda/policy/permission-document';
import {
  assessPermissions,
  decide,
  isKindWide,
  S3_NAMED_BUCKETS,
  TIER_RULES,
} from '../../../lambda/policy/permissions';

type Json = Record<string, unknown>;

const doc = (...statements: Json[]): Json => ({ Version: '2012-10-17', Statement: statements });
const allow = (action: string | string[], resource: string | string[] = '*', extra: Json = {}): Json => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...extra,
});
const deny = (action: string | string[], resource: string | string[] = '*', extra: Json = {}): Json => ({
  Effect: 'Deny',
  Action: action,
  Resource: resource,
  ...extra,
});

/** A role with these inline policies (name → document, or raw text) and, optionally, a boundary. */
function role(policies: Readonly<Record<string, unknown>>, boundary?: unknown): RolePermissions {
  const read = (document: unknown) =>
    readPermissionPolicy(typeof document === 'string' ? document : JSON.stringify(document));
  return {
    policies: Object.entries(policies).map(([name, document]) => ({
      name,
      kind: 'inline' as const,
      document: read(document),
    })),
    ...(boundary === undefined
      ? {}
      : { boundary: { name: 'edge', kind: 'customer-managed' as const, document: read(boundary) } }),
  };
}

const parsed = (document: Json) => {
  const readout = readPermissionPolicy(JSON.stringify(document));
  if (!readout.known) throw new Error(readout.reason);
  return readout.value;
};

describe('Function: decide', () => {
  it('allows what an Allow covers and denies the rest implicitly', () => {
    // Prepare
    const identity = [parsed(doc(allow('s3:GetObject', 'arn:aws:s3:::logs/*')))];

    // Act & Assess
    expect(decide('s3:GetObject', 'arn:aws:s3:::logs/a', identity)).toBe('allowed');
    expect(decide('s3:GetObject', 'arn:aws:s3:::other/a', identity)).toBe('denied');
    expect(decide('s3:PutObject', 'arn:aws:s3:::logs/a', identity)).toBe('denied');
  });

  it('matches actions without case and with wildcards, resources with case', () => {
    const identity = [parsed(doc(allow('S3:get*', 'arn:aws:s3:::Logs/*')))];

    expect(decide('s3:GetObject', 'arn:aws:s3:::Logs/a', identity)).toBe('allowed');
    expect(decide('s3:GetObject', 'arn:aws:s3:::logs/a', identity)).toBe('denied');
    expect(decide('s3:GetObjec?', 'arn:aws:s3:::Logs/a', identity)).toBe('allowed');
  });

  it('lets an explicit Deny in any identity policy win over an Allow in another', () => {
    const identity = [parsed(doc(allow('*'))), parsed(doc(deny('iam:*')))];

    expect(decide('iam:PassRole', 'arn:aws:iam::1:role/x', identity)).toBe('denied');
    expect(decide('ec2:RunInstances', '*', identity)).toBe('allowed');
  });

  it('needs the boundary to allow too, and lets a Deny in the boundary win', () => {
    const identity = [parsed(doc(allow('*')))];
    const boundary = parsed(doc(allow(['s3:*', 'iam:*']), deny('iam:PassRole')));

    expect(decide('s3:GetObject', 'arn:aws:s3:::b/k', identity, boundary)).toBe('allowed');
    expect(decide('ec2:RunInstances', '*', identity, boundary)).toBe('denied');
    expect(decide('iam:PassRole', '*', identity, boundary)).toBe('denied');
    // The boundary alone grants nothing.
    expect(decide('s3:GetObject', 'arn:aws:s3:::b/k', [], boundary)).toBe('denied');
  });

  it('supports NotAction and NotResource', () => {
    const identity = [
      parsed(
        doc(
          { Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' },
          { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::public/*' },
        ),
      ),
    ];

    expect(decide('iam:PassRole', '*', identity)).toBe('denied');
    expect(decide('ec2:RunInstances', '*', identity)).toBe('allowed');
    expect(decide('s3:GetObject', 'arn:aws:s3:::public/k', identity)).toBe('allowed');
    expect(decide('s3:GetObject', 'arn:aws:s3:::private/k', identity)).toBe('denied');
  });

  it('counts an Allow with conditions it cannot resolve as conditional', () => {
    const identity = [
      parsed(
        doc(allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a' } } })),
      ),
    ];

    expect(decide('s3:GetObject', 'arn:aws:s3:::b/k', identity)).toBe('conditional');
  });

  it('counts a Deny only when its conditions hold for every request', () => {
    const conditional = { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } };
    const always = { Condition: { StringLikeIfExists: { 'aws:PrincipalTag/team': '*' } } };

    expect(decide('s3:GetObject', '*', [parsed(doc(allow('*'), deny('s3:*', '*', conditional)))])).toBe(
      'allowed',
    );
    expect(decide('s3:GetObject', '*', [parsed(doc(allow('*'), deny('s3:*', '*', always)))])).toBe('denied');
  });

  it('ignores an Allow whose conditions can never hold', () => {
    // No value is unlike `*`, and ForAnyValue fails on an absent key.
    const never = { Condition: { 'ForAnyValue:StringNotLike': { 'aws:TagKeys': '*' } } };

    expect(decide('s3:GetObject', '*', [parsed(doc(allow('s3:*', '*', never)))])).toBe('denied');
  });
});

describe('Function: isKindWide', () => {
  it.each<[string, string, boolean]>([
    ['*', 'iam', true],
    ['arn:aws:iam::*:role/*', 'iam', true],
    ['arn:aws:iam::123456789012:role/*', 'iam', true],
    ['arn:aws:iam::123456789012:role/admin', 'iam', false],
    ['arn:aws:iam::*:role/team-*', 'iam', false],
    // Without the separator the pattern still spans every role (role/...).
    ['arn:aws:iam::*:role*', 'iam', true],
    ['arn:aws:iam::*:user/alice*', 'iam', false],
    ['arn:aws:secretsmanager:*:*:secret:payments*', 'secretsmanager', false],
    ['arn:aws:iam::*:role/*', 'sts', true],
    ['arn:aws:s3:::*', 's3', true],
    ['arn:aws:s3:::*/*', 's3', true],
    ['arn:aws:s3:::prod-*/*', 's3', false],
    ['arn:aws:s3:::logs/*', 's3', false],
    ['arn:aws:s3:::*', 'iam', false],
    ['arn:*', 'lambda', true],
    ['arn:aws:lambda:*:*:function:*', 'lambda', true],
    ['arn:aws:lambda:*:*:function:SecretsManager*', 'lambda', false],
  ])('%s names every resource of a kind for %s: %s', (pattern, service, expected) => {
    expect(isKindWide(pattern, service)).toBe(expected);
  });
});

describe('Function: assessPermissions', () => {
  describe('administrator', () => {
    it('finds `*` on `*`, with evidence `*`', () => {
      const result = assessPermissions(role({ admin: doc(allow('*')) }));

      expect(result.tier).toBe('administrator');
      expect(result.evidence[0]).toBe('*');
      expect(result.evidence.length).toBeLessThanOrEqual(3);
    });

    it('finds iam:* on every resource, with evidence iam:*', () => {
      const result = assessPermissions(role({ iam: doc(allow('iam:*')) }));

      expect(result).toMatchObject({ tier: 'administrator', evidence: ['iam:*'] });
    });

    it('finds IAM control through NotAction that leaves IAM in', () => {
      const result = assessPermissions(
        role({ p: doc({ Effect: 'Allow', NotAction: 'organizations:*', Resource: '*' }) }),
      );

      expect(result.tier).toBe('administrator');
      expect(result.evidence[0]).toBe('*');
    });

    it('is not administrator when one IAM action is denied', () => {
      const result = assessPermissions(role({ p: doc(allow('iam:*'), deny('iam:DeleteRole')) }));

      expect(result.tier).toBe('privilege-escalation');
      expect(result.evidence[0]).toBe('iam:AttachRolePolicy');
    });

    it('is not administrator when iam:* is on named roles only', () => {
      const result = assessPermissions(
        role({ p: doc(allow('iam:*', 'arn:aws:iam::123456789012:role/app')) }),
      );

      expect(result.tier).toBe('limited');
      expect(result.notes.join('\n')).toContain('iam:AttachRolePolicy is allowed on named resources only');
    });

    it('is capped by a boundary that allows less', () => {
      const result = assessPermissions(
        role({ admin: doc(allow('*')) }, doc(allow(['s3:List*', 'ec2:Describe*']))),
      );

      expect(result).toMatchObject({ tier: 'limited', evidence: [] });
    });

    it('says IAM actions rest on unresolved conditions', () => {
      const condition = { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } };
      const result = assessPermissions(role({ p: doc(allow('iam:*', '*', condition)) }));

      expect(result.tier).toBe('administrator');
      expect(result.notes).toContain(
        'statement 1 of inline policy p allows IAM actions under conditions the scanner cannot resolve; counted as possibly true',
      );
    });
  });

  describe('privilege-escalation', () => {
    it.each<[string, string[], string]>([
      ['iam:PutRolePolicy', ['iam:PutRolePolicy'], 'iam:PutRolePolicy'],
      ['iam:CreatePolicyVersion', ['iam:CreatePolicyVersion'], 'iam:CreatePolicyVersion'],
      ['sts:AssumeRole on *', ['sts:AssumeRole'], 'sts:AssumeRole'],
      ['lambda:UpdateFunctionCode', ['lambda:UpdateFunctionCode'], 'lambda:UpdateFunctionCode'],
      [
        'PassRole with RunInstances',
        ['iam:PassRole', 'ec2:RunInstances'],
        'iam:PassRole with ec2:RunInstances',
      ],
      [
        'PassRole with Lambda create and invoke',
        ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'],
        'iam:PassRole with lambda:CreateFunction and lambda:InvokeFunction',
      ],
      [
        'PassRole with Lambda create and an event source',
        ['iam:PassRole', 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'],
        'iam:PassRole with lambda:CreateFunction and lambda:CreateEventSourceMapping',
      ],
      ['PassRole with ecs:RunTask', ['iam:PassRole', 'ecs:RunTask'], 'iam:PassRole with ecs:RunTask'],
      [
        'PassRole with CloudFormation',
        ['iam:PassRole', 'cloudformation:CreateStack'],
        'iam:PassRole with cloudformation:CreateStack',
      ],
    ])('finds %s', (_, actions, evidence) => {
      const result = assessPermissions(role({ p: doc(allow(actions)) }));

      expect(result.tier).toBe('privilege-escalation');
      expect(result.evidence).toContain(evidence);
    });

    it('expands wildcards to the actions they grant in the evidence', () => {
      const result = assessPermissions(role({ p: doc(allow('iam:Put*')) }));

      expect(result).toMatchObject({
        tier: 'privilege-escalation',
        evidence: ['iam:PutRolePolicy', 'iam:PutUserPolicy', 'iam:PutGroupPolicy'],
      });
    });

    it('counts iam:PassRole on every role of one account', () => {
      const result = assessPermissions(
        role({
          p: doc(allow('iam:PassRole', 'arn:aws:iam::123456789012:role/*'), allow('ec2:RunInstances')),
        }),
      );

      expect(result.evidence).toEqual(['iam:PassRole with ec2:RunInstances']);
    });

    it('counts iam:PassRole on role* (no separator), which spans every role too', () => {
      const result = assessPermissions(
        role({ p: doc(allow('iam:PassRole', 'arn:aws:iam::*:role*'), allow('ec2:RunInstances')) }),
      );

      expect(result).toMatchObject({
        tier: 'privilege-escalation',
        evidence: ['iam:PassRole with ec2:RunInstances'],
      });
    });

    it('is compliant when iam:PassRole is limited to named roles, and notes it', () => {
      const result = assessPermissions(
        role({
          p: doc(allow('iam:PassRole', 'arn:aws:iam::123456789012:role/worker'), allow('ec2:RunInstances')),
        }),
      );

      expect(result.tier).toBe('limited');
      expect(result.notes).toContain(
        'iam:PassRole is allowed on named resources only (arn:aws:iam::123456789012:role/worker); not counted',
      );
    });

    it('is not matched by PassRole alone, or by Lambda create without invoke', () => {
      expect(assessPermissions(role({ p: doc(allow('iam:PassRole')) })).tier).toBe('limited');
      expect(assessPermissions(role({ p: doc(allow(['iam:PassRole', 'lambda:CreateFunction'])) })).tier).toBe(
        'limited',
      );
    });

    it('lets a Deny on every resource remove the path', () => {
      const result = assessPermissions(
        role({ p: doc(allow('iam:PutRolePolicy')), q: doc(deny('iam:Put*')) }),
      );

      expect(result.tier).toBe('limited');
    });

    it('keeps the path when a Deny covers named resources only', () => {
      const result = assessPermissions(
        role({ p: doc(allow('iam:PutRolePolicy'), deny('iam:PutRolePolicy', 'arn:aws:iam::1:role/admin')) }),
      );

      expect(result.tier).toBe('privilege-escalation');
    });

    it('keeps the path when a Deny has conditions it cannot resolve, and notes it', () => {
      const condition = { Condition: { StringNotEquals: { 'aws:PrincipalTag/owner': 'platform' } } };
      const result = assessPermissions(
        role({ p: doc(allow('iam:PutRolePolicy'), deny('iam:*', '*', condition)) }),
      );

      expect(result.tier).toBe('privilege-escalation');
      expect(result.notes).toContain(
        'statement 2 of inline policy p denies iam:PutRolePolicy under conditions the scanner cannot resolve; not counted as a restriction',
      );
    });

    it('counts an Allow with conditions it cannot resolve, and notes it', () => {
      const condition = { Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } };
      const result = assessPermissions(
        role({ p: doc(allow('iam:PassRole', '*', condition), allow('ec2:RunInstances')) }),
      );

      expect(result).toMatchObject({
        tier: 'privilege-escalation',
        evidence: ['iam:PassRole with ec2:RunInstances'],
      });
      expect(result.notes).toContain(
        'statement 1 of inline policy p allows iam:PassRole under conditions the scanner cannot resolve; counted as possibly true',
      );
    });

    it('is bounded by NotResource that leaves every role in', () => {
      const result = assessPermissions(
        role({
          p: doc({
            Effect: 'Allow',
            Action: 'iam:AttachRolePolicy',
            NotResource: 'arn:aws:iam::1:role/admin',
          }),
        }),
      );

      expect(result.evidence).toEqual(['iam:AttachRolePolicy']);
    });
  });

  describe('sensitive-data', () => {
    it.each<[string, string]>([
      ['secretsmanager:GetSecretValue', 'secretsmanager:GetSecretValue'],
      ['ssm:GetParametersByPath', 'ssm:GetParametersByPath'],
      ['kms:Decrypt', 'kms:Decrypt'],
      ['eks:CreateAccessEntry', 'eks:CreateAccessEntry'],
      ['s3:GetObject', 's3:GetObject'],
    ])('finds %s on every resource', (action, evidence) => {
      const result = assessPermissions(role({ p: doc(allow(action)) }));

      expect(result).toMatchObject({ tier: 'sensitive-data', evidence: [evidence] });
    });

    it('finds s3:GetObject on a bucket-name wildcard', () => {
      const result = assessPermissions(role({ p: doc(allow('s3:GetObject', 'arn:aws:s3:::prod-*/*')) }));

      expect(result).toMatchObject({
        tier: 'sensitive-data',
        evidence: ['s3:GetObject on arn:aws:s3:::prod-*/*'],
      });
    });

    it(`finds s3:GetObject on ${S3_NAMED_BUCKETS} named buckets, not on fewer`, () => {
      const buckets = (n: number) => Array.from({ length: n }, (_, i) => `arn:aws:s3:::bucket-${i}/*`);

      expect(
        assessPermissions(role({ p: doc(allow('s3:GetObject', buckets(S3_NAMED_BUCKETS))) })),
      ).toMatchObject({
        tier: 'sensitive-data',
        evidence: [`s3:GetObject on ${S3_NAMED_BUCKETS} named buckets`],
      });
      expect(
        assessPermissions(role({ p: doc(allow('s3:GetObject', buckets(S3_NAMED_BUCKETS - 1))) })).tier,
      ).toBe('limited');
    });

    it('is limited for secrets of one application', () => {
      const result = assessPermissions(
        role({
          p: doc(allow('secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:eu-west-1:1:secret:app/*')),
        }),
      );

      expect(result.tier).toBe('limited');
    });

    it('orders evidence by the rules, worst tier first', () => {
      const result = assessPermissions(
        role({
          p: doc(allow(['kms:Decrypt', 'secretsmanager:GetSecretValue', 'iam:PassRole', 'ec2:RunInstances'])),
        }),
      );

      expect(result).toMatchObject({
        tier: 'privilege-escalation',
        evidence: ['iam:PassRole with ec2:RunInstances', 'secretsmanager:GetSecretValue', 'kms:Decrypt'],
      });
    });
  });

  describe('limited', () => {
    it('is limited for read-only describe actions', () => {
      expect(assessPermissions(role({ p: doc(allow(['ec2:Describe*', 'eks:DescribeCluster'])) }))).toEqual({
        tier: 'limited',
        evidence: [],
        notes: [],
      });
    });

    it('honours a Deny written with the ARN form of global services (no region, and no account for S3)', () => {
      const iamDenied = assessPermissions(role({ p: doc(allow('*'), deny('iam:*', 'arn:aws:iam::*:*')) }));
      expect(iamDenied.tier).not.toBe('administrator');
      const s3Denied = assessPermissions(
        role({ p: doc(allow('s3:GetObject'), deny('s3:*', 'arn:aws:s3:::*')) }),
      );
      expect(s3Denied.tier).toBe('limited');
    });

    it('is limited for a role with no policies', () => {
      expect(assessPermissions({ policies: [] }).tier).toBe('limited');
    });
  });

  describe('unknown', () => {
    it('is unknown when the permissions were not read', () => {
      expect(assessPermissions(undefined)).toEqual({
        tier: 'unknown',
        evidence: [],
        reason: "the role's permissions were not read",
        notes: [],
      });
    });

    it('is unknown when reading them failed', () => {
      const result = assessPermissions({ known: false, reason: 'AccessDenied on iam:ListRolePolicies' });

      expect(result).toMatchObject({
        tier: 'unknown',
        reason: 'the permissions could not be read: AccessDenied on iam:ListRolePolicies',
      });
    });

    it('takes a Readout of known permissions like the plain value', () => {
      expect(assessPermissions({ known: true, value: role({ p: doc(allow('*')) }) }).tier).toBe(
        'administrator',
      );
    });

    it('is unknown, never limited, when one document is not JSON', () => {
      const result = assessPermissions(role({ app: '{not json', ro: doc(allow('ec2:Describe*')) }));

      expect(result.tier).toBe('unknown');
      expect(result.reason).toMatch(/^inline policy app: permission policy is not valid JSON \(/);
    });

    it('is unknown when the boundary cannot be read, even if the policies grant everything', () => {
      const result = assessPermissions(role({ admin: doc(allow('*')) }, '{"Version":"2012-10-17"}'));

      expect(result).toMatchObject({
        tier: 'unknown',
        reason: 'permissions boundary edge: permission policy has no Statement',
      });
    });

    it('is unknown, not limited, when a statement that may be an Allow is malformed', () => {
      const result = assessPermissions(
        role({ p: doc(allow('ec2:Describe*'), { Effect: 'Allow', Action: 'iam:*' }) }),
      );

      expect(result.tier).toBe('unknown');
      expect(result.reason).toContain('statement 2 of inline policy p');
      expect(result.notes[0]).toContain('statement 2 of inline policy p is malformed');
    });

    it('marks a tier below administrator as a floor when a statement that may be an Allow is malformed', () => {
      const result = assessPermissions(
        role({ p: doc(allow('secretsmanager:GetSecretValue'), { Effect: 'Allow', Action: 'iam:*' }) }),
      );

      expect(result.tier).toBe('sensitive-data');
      expect(result.incomplete).toContain('statement 2 of inline policy p could not be read');
    });

    it('keeps a higher tier when a statement is malformed, and notes it', () => {
      const result = assessPermissions(role({ p: doc(allow('iam:*'), { Effect: 'Deny', Action: 'iam:*' }) }));

      expect(result.tier).toBe('administrator');
      expect(result.notes).toContain(
        'a Deny of inline policy p could not be read, so the tier may overstate',
      );
    });
  });
});

describe('Fixture: AWS managed policies', () => {
  const fixture = JSON.parse(
    readFileSync(new URL('../../fixtures/managed-policies.json', import.meta.url), 'utf8'),
  ) as { policies: { name: string; arn: string; document: Json }[] };
  const assess = (name: string) => {
    const policy = fixture.policies.find((p) => p.name === name);
    if (policy === undefined) throw new Error(`no ${name} in the fixture`);
    return assessPermissions({
      policies: [
        {
          name,
          arn: policy.arn,
          kind: 'aws-managed',
          document: readPermissionPolicy(JSON.stringify(policy.document)),
        },
      ],
    });
  };

  it.each<[string, string, readonly string[]]>([
    ['AdministratorAccess', 'administrator', ['*']],
    ['IAMFullAccess', 'administrator', ['iam:*']],
    // NotAction iam:* leaves out iam:PassRole, so no PassRole path; but sts:AssumeRole and
    // lambda:UpdateFunctionCode stay allowed on every resource.
    ['PowerUserAccess', 'privilege-escalation', ['sts:AssumeRole', 'lambda:UpdateFunctionCode']],
    // secretsmanager:* reads every secret; its Lambda actions are on SecretsManager* functions only.
    ['SecretsManagerReadWrite', 'sensitive-data', ['secretsmanager:GetSecretValue']],
    ['AmazonS3ReadOnlyAccess', 'sensitive-data', ['s3:GetObject']],
    // ssm:Get* and s3:Get* on every resource.
    ['ReadOnlyAccess', 'sensitive-data', ['ssm:GetParameter', 's3:GetObject']],
    ['AmazonEKSClusterPolicy', 'limited', []],
    ['AmazonEKSWorkerNodePolicy', 'limited', []],
    ['AmazonEC2ContainerRegistryReadOnly', 'limited', []],
  ])('%s is %s', (name, tier, evidence) => {
    const result = assess(name);

    expect(result.tier).toBe(tier);
    expect(result.evidence).toEqual(expect.arrayContaining([...evidence]));
    expect(result.evidence[0]).toBe(evidence[0]);
  });

  it('notes the Lambda grants of SecretsManagerReadWrite as named-resource grants', () => {
    expect(assess('SecretsManagerReadWrite').notes).toContain(
      'lambda:CreateFunction is allowed on named resources only (arn:aws:lambda:*:*:function:SecretsManager*); not counted',
    );
  });
});

describe('Constant: TIER_RULES', () => {
  it('has unique ids, a source and a summary for every rule, worst tier first', () => {
    const order = ['administrator', 'privilege-escalation', 'sensitive-data'];
    const ids = TIER_RULES.map((r) => r.id);

    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of TIER_RULES) expect(rule.source).toMatch(/^https:\/\//);
    for (const rule of TIER_RULES) expect(rule.summary.length).toBeGreaterThan(0);
    const ranks = TIER_RULES.map((r) => order.indexOf(r.tier));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });
});
