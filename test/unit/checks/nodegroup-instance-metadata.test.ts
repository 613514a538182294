import { describe, expect, it } from 'vitest';
import { nodegroupInstanceMetadata } from '../../../lambda/checks/nodegroup-instance-metadata';
import type { CheckContext } from '../../../lambda/checks/types';
import type { InstanceMetadataOptions, NodegroupSnapshot, Readout } from '../../../lambda/model/snapshot';
import { aNodegroup, aScan, contextOf } from '../../support/factories';

const LT_ID = 'lt-0abc123def4567890';
const AL2023 = 'AL2023_x86_64_STANDARD';

/** A scan whose region holds these launch template versions (by `launchTemplateKey`), and nothing else read of them. */
function withTemplates(templates: Record<string, Readout<InstanceMetadataOptions>>): CheckContext {
  const scan = aScan({});
  return contextOf({
    ...scan,
    accounts: scan.accounts.map((account) => ({
      ...account,
      regions: account.regions.map((region) => ({
        ...region,
        launchTemplates: new Map(Object.entries(templates)),
      })),
    })),
  });
}

/** A node group DescribeNodegroup gave no AMI type for (the factory's default has one). */
function withoutAmiType(overrides: Partial<NodegroupSnapshot> = {}): NodegroupSnapshot {
  const { amiType: _, ...nodegroup } = aNodegroup(overrides);
  return nodegroup;
}

/** A node group that runs version 3 of the template, whose metadata options are these. */
function evaluateOptions(options: InstanceMetadataOptions, overrides: Partial<NodegroupSnapshot> = {}) {
  const nodegroup = aNodegroup({
    amiType: AL2023,
    launchTemplate: 'web-nodes',
    launchTemplateId: LT_ID,
    launchTemplateVersion: '3',
    ...overrides,
  });
  return nodegroupInstanceMetadata.evaluate(
    nodegroup,
    withTemplates({ [`${LT_ID}@3`]: { known: true, value: options } }),
  );
}

const HARDENED: InstanceMetadataOptions = {
  httpEndpoint: 'enabled',
  httpTokens: 'required',
  httpPutResponseHopLimit: 1,
};

describe('Check: nodegroup-instance-metadata', () => {
  describe('with a custom launch template', () => {
    it('passes a template that requires IMDSv2 with a hop limit of 1, naming the template and version', () => {
      const outcome = evaluateOptions(HARDENED);
      expect(outcome).toMatchObject({ status: 'PASSED', severity: 'INFORMATIONAL' });
      expect(outcome.detail).toContain(`web-nodes (${LT_ID}) version 3`);
      expect(outcome.detail).toContain('hop limit of 1');
    });

    it('takes an unset HttpEndpoint as enabled, as EC2 does, and judges the rest', () => {
      expect(evaluateOptions({ httpTokens: 'required', httpPutResponseHopLimit: 1 })).toMatchObject({
        status: 'PASSED',
      });
      expect(evaluateOptions({ httpTokens: 'optional', httpPutResponseHopLimit: 1 })).toMatchObject({
        status: 'FAILED',
        severity: 'MEDIUM',
      });
    });

    it('passes a template that disables the metadata service, whatever its other options', () => {
      const outcome = evaluateOptions({
        httpEndpoint: 'disabled',
        httpTokens: 'optional',
        httpPutResponseHopLimit: 5,
      });
      expect(outcome).toMatchObject({ status: 'PASSED' });
      expect(outcome.detail).toContain('HttpEndpoint disabled');
    });

    it('fails MEDIUM when IMDSv1 is allowed, even with a hop limit of 1', () => {
      const outcome = evaluateOptions({ ...HARDENED, httpTokens: 'optional' });
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome.detail).toContain('IMDSv1 is allowed (HttpTokens optional)');
      expect(outcome.detail).not.toContain('hop limit is');
    });

    it('fails LOW when IMDSv2 is required but the hop limit lets responses reach pods', () => {
      const outcome = evaluateOptions({ ...HARDENED, httpPutResponseHopLimit: 2 });
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
      expect(outcome.detail).toContain('hop limit is 2');
      expect(outcome.detail).not.toContain('IMDSv1');
    });

    it('fails MEDIUM naming both problems when IMDSv1 is allowed and the hop limit is above 1', () => {
      const outcome = evaluateOptions({ ...HARDENED, httpTokens: 'optional', httpPutResponseHopLimit: 3 });
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome.detail).toContain('HttpTokens optional');
      expect(outcome.detail).toContain('hop limit is 3');
    });

    it('reads the default version of the template when the node group names no version', () => {
      const nodegroup = aNodegroup({ amiType: AL2023, launchTemplateId: LT_ID });
      const context = withTemplates({
        [`${LT_ID}@$Default`]: { known: true, value: HARDENED },
        [`${LT_ID}@3`]: { known: true, value: { ...HARDENED, httpTokens: 'optional' } },
      });
      const outcome = nodegroupInstanceMetadata.evaluate(nodegroup, context);
      expect(outcome).toMatchObject({ status: 'PASSED' });
      expect(outcome.detail).toContain(`Launch template ${LT_ID} at its default version`);
    });

    it('is not available when the version the node group runs was not read, never judging another version', () => {
      const nodegroup = aNodegroup({ launchTemplateId: LT_ID, launchTemplateVersion: '4' });
      const context = withTemplates({ [`${LT_ID}@3`]: { known: true, value: HARDENED } });
      const outcome = nodegroupInstanceMetadata.evaluate(nodegroup, context);
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain(`launch template ${LT_ID} version 4 were not read`);
    });

    it('is not available with the reason when the template version could not be read', () => {
      const nodegroup = aNodegroup({ launchTemplateId: LT_ID, launchTemplateVersion: '3' });
      const context = withTemplates({
        [`${LT_ID}@3`]: { known: false, reason: 'UnauthorizedOperation: ec2:DescribeLaunchTemplateVersions' },
      });
      const outcome = nodegroupInstanceMetadata.evaluate(nodegroup, context);
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain('UnauthorizedOperation');
    });

    it('is not available when DescribeNodegroup names a template without its id', () => {
      const outcome = nodegroupInstanceMetadata.evaluate(
        aNodegroup({ amiType: 'AL2_x86_64', launchTemplate: 'web-nodes' }),
        withTemplates({}),
      );
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain('web-nodes without its id');
    });
  });

  describe('with options the template does not set', () => {
    it('fails MEDIUM for an unset HttpTokens on an AL2 AMI type, saying it is not set and what could override it', () => {
      const outcome = evaluateOptions({ httpPutResponseHopLimit: 1 }, { amiType: 'AL2_x86_64' });
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome.detail).toContain('HttpTokens is not set in the launch template');
      expect(outcome.detail).toContain('account-level IMDS default');
    });

    it('never passes an unset HttpTokens on an AL2023 AMI type: the AMI and account defaults decide and are not read', () => {
      const outcome = evaluateOptions({ httpPutResponseHopLimit: 1 });
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain('HttpTokens is not set in the launch template');
      expect(outcome.detail).toContain('AL2023_x86_64_STANDARD AMI');
      expect(outcome.detail).toContain('hop limit is 1');
    });

    it('does not judge an unset HttpTokens on a custom AMI or with no AMI type', () => {
      expect(evaluateOptions({ httpPutResponseHopLimit: 1 }, { amiType: 'CUSTOM' })).toMatchObject({
        status: 'NOT_AVAILABLE',
      });
      const outcome = nodegroupInstanceMetadata.evaluate(
        withoutAmiType({ launchTemplateId: LT_ID, launchTemplateVersion: '3' }),
        withTemplates({ [`${LT_ID}@3`]: { known: true, value: { httpPutResponseHopLimit: 1 } } }),
      );
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain('the AMI is registered IMDSv2-only');
    });

    it('never passes an unset hop limit, even with IMDSv2 required', () => {
      const outcome = evaluateOptions({ httpTokens: 'required' });
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain('IMDSv2 is required');
      expect(outcome.detail).toContain('HttpPutResponseHopLimit is not set in the launch template');
    });

    it('still fails what it can judge when the hop limit is unset, and says what it did not judge', () => {
      const outcome = evaluateOptions({ httpTokens: 'optional' });
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome.detail).toContain('HttpTokens optional');
      expect(outcome.detail).toContain('Not judged: HttpPutResponseHopLimit is not set');
    });

    it('is not available for a template that sets no metadata option at all on an AL2023 AMI type', () => {
      const outcome = evaluateOptions({});
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain('HttpTokens is not set');
      expect(outcome.detail).toContain('HttpPutResponseHopLimit is not set');
    });
  });

  describe('with values EC2 does not document', () => {
    it('is not available for an unknown HttpEndpoint', () => {
      const outcome = evaluateOptions({ ...HARDENED, httpEndpoint: 'sometimes' });
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain("HttpEndpoint 'sometimes'");
    });

    it('is not available for an unknown HttpTokens with a hop limit of 1', () => {
      const outcome = evaluateOptions({ ...HARDENED, httpTokens: 'maybe' });
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain("HttpTokens 'maybe'");
    });

    it.each([0, -1, 1.5, 65, Number.NaN])('does not take hop limit %s as 1', (limit) => {
      const outcome = evaluateOptions({ ...HARDENED, httpPutResponseHopLimit: limit });
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain('not a valid hop limit');
    });

    it('reads option values without regard to case', () => {
      expect(evaluateOptions({ ...HARDENED, httpTokens: 'OPTIONAL' })).toMatchObject({
        status: 'FAILED',
        severity: 'MEDIUM',
      });
      expect(evaluateOptions({ httpEndpoint: 'Disabled' })).toMatchObject({ status: 'PASSED' });
    });
  });

  describe('without a custom launch template', () => {
    const evaluateDefault = (amiType: string) =>
      nodegroupInstanceMetadata.evaluate(aNodegroup({ amiType }), withTemplates({}));

    it.each(['AL2_x86_64', 'BOTTLEROCKET_x86_64', 'WINDOWS_CORE_2022_x86_64'])(
      "fails LOW for %s on EKS's documented default, saying no template was read",
      (amiType) => {
        const outcome = evaluateDefault(amiType);
        expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
        expect(outcome.detail).toContain('hop limit to 2');
        expect(outcome.detail).toContain("EKS's documented default");
        expect(outcome.detail).toContain('not a template this scan read');
        expect(outcome.detail).toContain(amiType);
      },
    );

    it("passes an AL2023 node group on EKS's documented default, saying no template was read", () => {
      const outcome = evaluateDefault('AL2023_ARM_64_STANDARD');
      expect(outcome).toMatchObject({ status: 'PASSED' });
      expect(outcome.detail).toContain('hop limit of 1');
      expect(outcome.detail).toContain("EKS's documented default");
      expect(outcome.detail).toContain('not a template this scan read');
    });

    it('is not available when DescribeNodegroup gave no AMI type, since the default depends on it', () => {
      const outcome = nodegroupInstanceMetadata.evaluate(withoutAmiType(), withTemplates({}));
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain('no AMI type');
    });
  });

  it('lists the severities its rules name, worst first', () => {
    const { severityRules, severities } = nodegroupInstanceMetadata.metadata;
    const named = new Set([...severityRules.matchAll(/\b(CRITICAL|HIGH|MEDIUM|LOW)\b/g)].map((m) => m[1]));
    expect(new Set(severities)).toEqual(named);
    expect([...severities]).toEqual(['MEDIUM', 'LOW']);
  });
});
