import { describe, expect, it } from 'vitest';
import { findingId } from '../../../lambda/model/finding-id';
import type { CheckResult } from '../../../lambda/model/result';
import { findingProblems } from '../../../lambda/publish/asff-schema';
import { type ExistingFinding, planScope, storedCopy } from '../../../lambda/publish/lifecycle';
import { aClusterResult, aRoleResult, aScope, DESCRIPTIONS, mapFinding } from '../../support/results';

const EARLIER = new Date('2026-01-01T00:00:00.000Z');
const NOW = new Date('2026-11-23T12:00:00.000Z');
const ALL_CHECKS = ['endpoint-public-access', 'supported-version', 'irsa-trust-policy'];

/** A finding as Security Hub returns it: ours plus what Security Hub and the customer added. */
function stored(result = aClusterResult(), changes: Record<string, unknown> = {}): ExistingFinding {
  return {
    ...mapFinding(result, EARLIER),
    ProductFields: {
      ...mapFinding(result, EARLIER).ProductFields,
      'aws/securityhub/FindingId':
        'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default/x',
      'aws/securityhub/ProductName': 'Default',
    },
    Workflow: { Status: 'NOTIFIED' },
    WorkflowState: 'NEW',
    Note: { Text: 'ticket SEC-42', UpdatedBy: 'alice', UpdatedAt: EARLIER.toISOString() },
    UserDefinedFields: { owner: 'platform' },
    VerificationState: 'TRUE_POSITIVE',
    ProcessedAt: EARLIER.toISOString(),
    Severity: { Label: 'HIGH', Original: 'HIGH', Normalized: 70, Product: 70 },
    ...changes,
  };
}

describe('Function: planScope', () => {
  it('imports every result, PASSED included, with new findings created now', () => {
    const plan = planScope(
      [
        aClusterResult(),
        aClusterResult({ checkId: 'supported-version', status: 'PASSED', severity: 'INFORMATIONAL' }),
      ],
      aScope(ALL_CHECKS),
      [],
      DESCRIPTIONS,
      NOW,
    );
    expect(plan.imports.map((f) => [f.Compliance?.Status, f.CreatedAt])).toEqual([
      ['FAILED', NOW.toISOString()],
      ['PASSED', NOW.toISOString()],
    ]);
    expect(plan.archives).toEqual([]);
  });

  it('keeps CreatedAt and FirstObservedAt of a finding already there, and refreshes UpdatedAt', () => {
    const plan = planScope(
      [aClusterResult({ status: 'PASSED', severity: 'INFORMATIONAL' })],
      aScope(ALL_CHECKS),
      [stored()],
      DESCRIPTIONS,
      NOW,
    );
    expect(plan.imports[0]).toMatchObject({
      CreatedAt: EARLIER.toISOString(),
      FirstObservedAt: EARLIER.toISOString(),
      UpdatedAt: NOW.toISOString(),
      Compliance: { Status: 'PASSED' },
    });
  });

  it('never sends the customer-owned members', () => {
    const plan = planScope([aClusterResult()], aScope(ALL_CHECKS), [stored()], DESCRIPTIONS, NOW);
    for (const member of ['Workflow', 'Note', 'VerificationState', 'UserDefinedFields']) {
      expect(plan.imports[0]).not.toHaveProperty(member);
    }
  });

  it('archives our active finding whose resource is gone, as a valid copy without customer fields', () => {
    const gone = stored(
      aClusterResult({
        resource: {
          type: 'AwsEksCluster',
          id: 'arn:aws:eks:eu-west-1:111122223333:cluster/gone',
          name: 'gone',
        },
      }),
    );
    const plan = planScope([aClusterResult()], aScope(ALL_CHECKS), [stored(), gone], DESCRIPTIONS, NOW);

    expect(plan.archives.map((f) => f.Id)).toEqual([gone.Id]);
    const archived = plan.archives[0];
    expect(archived).toMatchObject({
      RecordState: 'ARCHIVED',
      UpdatedAt: NOW.toISOString(),
      CreatedAt: EARLIER.toISOString(),
    });
    expect(archived).not.toHaveProperty('Workflow');
    expect(archived).not.toHaveProperty('Note');
    expect(archived?.ProductFields).not.toHaveProperty('aws/securityhub/FindingId');
    // The provider's severity goes in FindingProviderFields; the top-level one is the customer's.
    expect(archived).not.toHaveProperty('Severity');
    expect(archived?.FindingProviderFields?.Severity).toEqual({ Label: 'HIGH', Original: 'HIGH' });
    expect(findingProblems(archived)).toEqual([]);
  });

  it('archives nothing of a check that did not complete in this scope', () => {
    const role = stored(aRoleResult());
    const plan = planScope(
      [aClusterResult()],
      aScope(['endpoint-public-access']),
      [stored(), role],
      DESCRIPTIONS,
      NOW,
    );
    expect(plan.archives).toEqual([]);
  });

  it('keeps the findings of node groups this run did not see in full, and archives those it did', () => {
    const nodegroup = (cluster: string, name: string) =>
      aClusterResult({
        checkId: 'nodegroup-remote-access',
        resource: {
          type: 'AwsEksNodegroup',
          id: `arn:aws:eks:eu-west-1:111122223333:nodegroup/${cluster}/${name}/0ac1e2f3-4b5c-6d7e-8f90-a1b2c3d4e5f6`,
          name: `${cluster}/${name}`,
        },
        clusterArn: `arn:aws:eks:eu-west-1:111122223333:cluster/${cluster}`,
      });
    const unlisted = stored(nodegroup('blue', 'workers'));
    const undescribed = stored(nodegroup('green', 'gpu'));
    const deleted = stored(nodegroup('green', 'old'));
    // A cluster named like the unlisted one's prefix must not be protected by it.
    const lookalike = stored(nodegroup('blue-2', 'workers'));
    const scope = aScope(['nodegroup-remote-access'], {
      unsettled: [
        {
          type: 'AwsEksNodegroup',
          clusterArn: 'arn:aws:eks:eu-west-1:111122223333:cluster/blue',
          reason: 'eks:ListNodegroups failed',
        },
        {
          type: 'AwsEksNodegroup',
          clusterArn: 'arn:aws:eks:eu-west-1:111122223333:cluster/green',
          name: 'gpu',
          reason: 'eks:DescribeNodegroup failed',
        },
      ],
    });

    const plan = planScope([], scope, [unlisted, undescribed, deleted, lookalike], DESCRIPTIONS, NOW);

    expect(plan.archives.map((f) => f.Id).sort()).toEqual([deleted.Id, lookalike.Id].sort());
    expect(plan.archives.every((f) => findingProblems(f).length === 0)).toBe(true);
    expect(plan.archives[0]?.Resources[0]?.Type).toBe('Other');
    // The unseen ones keep their verdict and are refreshed, so that Security Hub never expires them.
    expect(plan.kept.sort()).toEqual([unlisted.Id, undescribed.Id].sort());
    expect(plan.imports.map((f) => [f.Id, f.RecordState, f.Compliance?.Status, f.UpdatedAt])).toEqual(
      [unlisted, undescribed].map((f) => [f.Id, 'ACTIVE', 'FAILED', NOW.toISOString()]),
    );
  });

  it('keeps the findings of add-ons this run did not see in full, and archives those it did', () => {
    const addon = (cluster: string, name: string) =>
      aClusterResult({
        checkId: 'addon-health-and-version',
        resource: {
          type: 'AwsEksAddon',
          id: `arn:aws:eks:eu-west-1:111122223333:addon/${cluster}/${name}/4ec1e2f3-4b5c-6d7e-8f90-a1b2c3d4e5f6`,
          name: `${cluster}/${name}`,
        },
        clusterArn: `arn:aws:eks:eu-west-1:111122223333:cluster/${cluster}`,
      });
    const unlisted = stored(addon('blue', 'vpc-cni'));
    const undescribed = stored(addon('green', 'coredns'));
    const removed = stored(addon('green', 'kube-proxy'));
    // A node group of the unlisted cluster is no add-on: the add-ons' listing does not protect it.
    const nodegroup = stored(
      aClusterResult({
        checkId: 'addon-health-and-version',
        resource: {
          type: 'AwsEksNodegroup',
          id: 'arn:aws:eks:eu-west-1:111122223333:nodegroup/blue/workers/0ac1e2f3-4b5c-6d7e-8f90-a1b2c3d4e5f6',
          name: 'blue/workers',
        },
      }),
    );
    const scope = aScope(['addon-health-and-version'], {
      unsettled: [
        {
          type: 'AwsEksAddon',
          clusterArn: 'arn:aws:eks:eu-west-1:111122223333:cluster/blue',
          reason: 'eks:ListAddons failed',
        },
        {
          type: 'AwsEksAddon',
          clusterArn: 'arn:aws:eks:eu-west-1:111122223333:cluster/green',
          name: 'coredns',
          reason: 'eks:DescribeAddon failed',
        },
      ],
    });

    const plan = planScope([], scope, [unlisted, undescribed, removed, nodegroup], DESCRIPTIONS, NOW);

    expect(plan.archives.map((f) => f.Id).sort()).toEqual([removed.Id, nodegroup.Id].sort());
    expect(plan.archives.every((f) => findingProblems(f).length === 0)).toBe(true);
    expect(plan.kept.sort()).toEqual([unlisted.Id, undescribed.Id].sort());
  });

  it('sends no finding of its own for a node group that could not be described', () => {
    const result: CheckResult = {
      ...aClusterResult({
        checkId: 'nodegroup-remote-access',
        status: 'NOT_AVAILABLE',
        severity: 'INFORMATIONAL',
      }),
      // Its ARN is unknown: only its cluster and name are.
      resource: { type: 'AwsEksNodegroup', name: 'green/gpu' },
    };
    const scope = aScope(['nodegroup-remote-access'], {
      unsettled: [
        {
          type: 'AwsEksNodegroup',
          clusterArn: 'arn:aws:eks:eu-west-1:111122223333:cluster/green',
          name: 'gpu',
          reason: 'eks:DescribeNodegroup failed',
        },
      ],
    });
    const plan = planScope([result], scope, [], DESCRIPTIONS, NOW);
    expect(plan.imports).toEqual([]);
  });

  it('does not archive again what is already archived', () => {
    const gone = stored(aClusterResult({ checkId: 'supported-version' }), { RecordState: 'ARCHIVED' });
    expect(planScope([aClusterResult()], aScope(ALL_CHECKS), [gone], DESCRIPTIONS, NOW).archives).toEqual([]);
  });

  it.each([
    ['a first FAILED result', [], aClusterResult(), 'true'],
    ['FAILED again at the same severity', [stored()], aClusterResult(), 'false'],
    ['FAILED again at a higher severity', [stored()], aClusterResult({ severity: 'CRITICAL' }), 'true'],
    ['FAILED again at a lower severity', [stored()], aClusterResult({ severity: 'MEDIUM' }), 'false'],
    [
      'FAILED after PASSED',
      [stored(aClusterResult({ status: 'PASSED', severity: 'INFORMATIONAL' }))],
      aClusterResult(),
      'true',
    ],
    [
      'FAILED after an archived finding',
      [stored(aClusterResult(), { RecordState: 'ARCHIVED' })],
      aClusterResult(),
      'true',
    ],
    ['PASSED', [stored()], aClusterResult({ status: 'PASSED', severity: 'INFORMATIONAL' }), 'false'],
  ] as const)('marks %s as new or worse: %s', (_, existing, result, expected) => {
    const plan = planScope([result], aScope(ALL_CHECKS), existing, DESCRIPTIONS, NOW);
    expect(plan.imports[0]?.ProductFields?.['eks-posture/NewOrWorse']).toBe(expected);
  });

  it('keeps the verdict of an active finding when this run could not judge the resource, and refreshes it', () => {
    const plan = planScope(
      [aClusterResult({ status: 'NOT_AVAILABLE', severity: 'INFORMATIONAL' })],
      aScope(ALL_CHECKS),
      [stored()],
      DESCRIPTIONS,
      NOW,
    );
    expect(plan.kept).toEqual([findingId(aClusterResult())]);
    expect(plan.archives).toEqual([]);
    expect(plan.imports).toHaveLength(1);
    expect(plan.imports[0]).toMatchObject({
      Compliance: { Status: 'FAILED' },
      // The provider's verdict; the top-level Severity is the customer's after creation, and not sent.
      FindingProviderFields: { Severity: { Label: 'HIGH' } },
      RecordState: 'ACTIVE',
      CreatedAt: EARLIER.toISOString(),
      UpdatedAt: NOW.toISOString(),
    });
    expect(plan.imports[0]).not.toHaveProperty('Workflow');
    expect(findingProblems(plan.imports[0])).toEqual([]);
  });

  it("never sends the top-level Severity or Types of a finding that exists: after creation they are the customer's", () => {
    // A customer lowered the severity with BatchUpdateFindings; the scanner still judges it HIGH.
    const triaged = stored(aClusterResult(), {
      Severity: { Label: 'LOW', Original: 'HIGH', Normalized: 1 },
      Types: ['Software and Configuration Checks/Accepted'],
    });

    const plan = planScope([aClusterResult()], aScope(ALL_CHECKS), [triaged], DESCRIPTIONS, NOW);

    expect(plan.imports).toHaveLength(1);
    expect(plan.imports[0]).not.toHaveProperty('Severity');
    expect(plan.imports[0]).not.toHaveProperty('Types');
    expect(plan.imports[0]?.FindingProviderFields).toEqual({
      Severity: { Label: 'HIGH', Original: 'HIGH' },
      Types: ['Software and Configuration Checks/AWS Security Best Practices'],
    });
    expect(findingProblems(plan.imports[0])).toEqual([]);
  });

  it('sends Severity and Types at the top level too when the finding is new', () => {
    const plan = planScope([aClusterResult()], aScope(ALL_CHECKS), [], DESCRIPTIONS, NOW);
    expect(plan.imports[0]).toMatchObject({
      Severity: { Label: 'HIGH', Original: 'HIGH' },
      Types: ['Software and Configuration Checks/AWS Security Best Practices'],
    });
  });

  it("names the account's partition in the product ARN and every resource, as the coverage gives it", () => {
    const arn = 'arn:aws-cn:eks:cn-north-1:111122223333:cluster/prod';
    const result = aClusterResult({
      region: 'cn-north-1',
      resource: { type: 'AwsEksCluster', id: arn, name: 'prod' },
      clusterArn: arn,
    });
    const scope = aScope(ALL_CHECKS, { region: 'cn-north-1', partition: 'aws-cn' });

    const [finding] = planScope([result], scope, [], DESCRIPTIONS, NOW).imports;

    expect(finding?.ProductArn).toBe(
      'arn:aws-cn:securityhub:cn-north-1:111122223333:product/111122223333/default',
    );
    expect(finding?.Resources.map((r) => r.Partition)).toEqual(['aws-cn']);
  });

  it('reactivates an archived finding when its resource is back', () => {
    const plan = planScope(
      [aClusterResult()],
      aScope(ALL_CHECKS),
      [stored(aClusterResult(), { RecordState: 'ARCHIVED' })],
      DESCRIPTIONS,
      NOW,
    );
    expect(plan.imports[0]).toMatchObject({ RecordState: 'ACTIVE', CreatedAt: EARLIER.toISOString() });
  });
});

describe('Function: storedCopy', () => {
  it('reports a copy it cannot make valid instead of inventing members', () => {
    const broken = storedCopy(
      { Id: 'eks-posture/x', GeneratorId: 'eks-posture/endpoint-public-access' },
      NOW,
      'ARCHIVED',
    );
    expect(findingProblems(broken).length).toBeGreaterThan(0);
  });

  it("never takes the top-level Severity, which may be the customer's, for the provider's", () => {
    const { FindingProviderFields: _, ...withoutProviderFields } = stored();
    const copy = storedCopy(withoutProviderFields, NOW, 'ACTIVE');
    expect(copy).not.toHaveProperty('Severity');
    expect(copy).not.toHaveProperty('FindingProviderFields');
    expect(findingProblems(copy)).toContain('Severity: needs Severity or FindingProviderFields.Severity');
  });
});
