import { describe, expect, it } from 'vitest';
import { findingId } from '../../../lambda/model/finding-id';
import { findingProblems } from '../../../lambda/publish/asff-schema';
import { SCANNER_VERSION } from '../../../lambda/scanner-version';
import { ACCOUNT, aNodegroup, anAddon, aRole, DETECTOR, PROVIDER_ARN, REGION } from '../../support/factories';
import { aClusterResult, aRoleResult, CLUSTER, describedWith, mapFinding, ROLE } from '../../support/results';

const NOW = new Date('2026-11-23T12:00:00.000Z');

describe('Function: findingId', () => {
  it('is the documented function of account, region, check and resource (golden value)', () => {
    // sha256("<resource ARN>\n<cluster ARN for IRSA, else empty>"), first 32 hex digits.
    // Changing this value would orphan every finding already in Security Hub.
    expect(findingId(aClusterResult())).toBe(
      'eks-posture/111122223333/eu-west-1/endpoint-public-access/da3fc4f93429f698ab8f0ccfa3f53592',
    );
  });

  it('ignores everything but identity: status, severity and detail do not change it', () => {
    expect(findingId(aClusterResult({ status: 'PASSED', severity: 'INFORMATIONAL', detail: 'fixed' }))).toBe(
      findingId(aClusterResult()),
    );
  });

  it('separates IRSA findings of one role by OIDC issuer, and not by the cluster that issues its tokens', () => {
    // Issuers appear in results as IAM compares them: in lower case.
    const issuerA = 'oidc.eks.eu-west-1.amazonaws.com/id/a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const issuerB = 'oidc.eks.eu-west-1.amazonaws.com/id/0f1e2d3c4b5a69788796a5b4c3d2e1f0';
    const a = findingId(aRoleResult({ oidcIssuer: issuerA }));
    const b = findingId(aRoleResult({ oidcIssuer: issuerB }));
    // The cluster's account may fail to scan: the Id stays where it is.
    const { clusterArn: _, ...withoutCluster } = aRoleResult({ oidcIssuer: issuerA });
    expect(new Set([a, b]).size).toBe(2);
    expect(findingId(withoutCluster)).toBe(a);
    // sha256("<role ARN>\n<issuer>"), first 32 hex digits (golden value).
    expect(a).toBe('eks-posture/111122223333/eu-west-1/irsa-trust-policy/f81367d6598e215b6b762ac8eaee469c');
  });

  it('keeps the Id of a Pod Identity result as it was: no issuer, no cluster (golden value)', () => {
    // sha256("<role ARN>\n"): the same before and after IRSA results became one per issuer.
    const { clusterArn: _, ...podIdentity } = aRoleResult({ checkId: 'pod-identity-trust-policy' });
    expect(findingId(podIdentity)).toBe(
      'eks-posture/111122223333/eu-west-1/pod-identity-trust-policy/49c74b05c7cac53be6572bcfa198ac20',
    );
  });

  it('separates checks, regions and accounts', () => {
    const ids = [
      findingId(aClusterResult()),
      findingId(aClusterResult({ checkId: 'supported-version' })),
      findingId(aClusterResult({ region: 'us-east-1' })),
      findingId(aClusterResult({ accountId: '444455556666' })),
    ];
    expect(new Set(ids).size).toBe(4);
  });
});

describe('Function: toFinding', () => {
  it('maps a cluster result to a complete, valid finding (golden)', () => {
    const finding = mapFinding(aClusterResult(), NOW);

    expect(finding).toEqual({
      SchemaVersion: '2018-10-08',
      Id: findingId(aClusterResult()),
      ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
      GeneratorId: 'eks-posture/endpoint-public-access',
      AwsAccountId: '111122223333',
      Region: 'eu-west-1',
      Types: ['Software and Configuration Checks/AWS Security Best Practices'],
      CreatedAt: '2026-11-23T12:00:00.000Z',
      FirstObservedAt: '2026-11-23T12:00:00.000Z',
      UpdatedAt: '2026-11-23T12:00:00.000Z',
      LastObservedAt: '2026-11-23T12:00:00.000Z',
      Severity: { Label: 'HIGH', Original: 'HIGH' },
      FindingProviderFields: {
        Severity: { Label: 'HIGH', Original: 'HIGH' },
        Types: ['Software and Configuration Checks/AWS Security Best Practices'],
      },
      Title: 'EKS API server endpoint is not reachable from the internet',
      Description: 'The public endpoint admits every IPv4 address (allowed CIDRs: 0.0.0.0/0).',
      Remediation: {
        Recommendation: {
          Text: 'Turn off public access.',
          Url: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
        },
      },
      ProductFields: {
        'eks-posture/CheckId': 'endpoint-public-access',
        'eks-posture/ScannerVersion': SCANNER_VERSION,
        'eks-posture/ResourceArn': CLUSTER.arn,
        'eks-posture/ClusterArn': CLUSTER.arn,
        'eks-posture/NewOrWorse': 'true',
        'eks-posture/ContentDigest': expect.stringMatching(/^[0-9a-f]{64}$/),
      },
      Compliance: { Status: 'FAILED' },
      RecordState: 'ACTIVE',
      Resources: [
        {
          Type: 'AwsEksCluster',
          Id: CLUSTER.arn,
          Partition: 'aws',
          Region: 'eu-west-1',
          Details: {
            AwsEksCluster: {
              Arn: CLUSTER.arn,
              Name: 'prod',
              Version: '1.35',
              ClusterStatus: 'ACTIVE',
              ResourcesVpcConfig: { EndpointPublicAccess: false, SecurityGroupIds: ['sg-0c1a2b3c4d5e6f708'] },
              Logging: {
                ClusterLogging: [
                  {
                    Enabled: true,
                    Types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
                  },
                ],
              },
            },
            Other: {
              endpointPrivateAccess: 'true',
              publicAccessCidrs: '',
              secretsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
              oidcIssuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/A1B2C3D4E5F60718293A4B5C6D7E8F90',
            },
          },
        },
      ],
    });
    expect(findingProblems(finding)).toEqual([]);
  });

  it('maps an IRSA result to the role, with its trust policy, and the cluster as a second resource', () => {
    const finding = mapFinding(aRoleResult(), NOW);

    expect(finding.Resources).toHaveLength(2);
    expect(finding.Resources[0]).toMatchObject({
      Type: 'AwsIamRole',
      Id: ROLE.arn,
      Details: { AwsIamRole: { RoleName: 'app-role', AssumeRolePolicyDocument: ROLE.trustPolicy } },
    });
    expect(finding.Resources[1]).toMatchObject({ Type: 'AwsEksCluster', Id: CLUSTER.arn });
    expect(finding.Severity).toEqual({ Label: 'CRITICAL', Original: 'CRITICAL' });
    expect(findingProblems(finding)).toEqual([]);
  });

  it('carries the trust grade and the permission tier as product fields of their own', () => {
    const finding = mapFinding(
      aRoleResult({ trustGrade: 'namespace', permissionTier: 'sensitive-data' }),
      NOW,
    );

    expect(finding.ProductFields).toMatchObject({
      'eks-posture/TrustGrade': 'namespace',
      'eks-posture/PermissionTier': 'sensitive-data',
    });
    expect(findingProblems(finding)).toEqual([]);
  });

  it("points an exposure finding at the findings of its traits, and leaves the customer's copy alone on update", () => {
    const role = aRoleResult();
    const exposure = aClusterResult({
      checkId: 'cluster-exposure',
      related: [
        {
          accountId: '111122223333',
          checkId: 'endpoint-public-access',
          region: 'eu-west-1',
          resource: { type: 'AwsEksCluster', id: CLUSTER.arn, name: 'prod' },
        },
        // A role of another account that trusts the cluster's issuer: its finding is that account's.
        {
          accountId: '444455556666',
          checkId: role.checkId,
          region: 'eu-west-1',
          resource: { type: 'AwsIamRole', id: ROLE.arn, name: ROLE.name },
          oidcIssuer: 'oidc.eks.eu-west-1.amazonaws.com/id/abc',
        },
      ],
    });
    const expected = [
      {
        ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
        Id: findingId(aClusterResult({ checkId: 'endpoint-public-access' })),
      },
      {
        ProductArn: 'arn:aws:securityhub:eu-west-1:444455556666:product/444455556666/default',
        Id: findingId({
          ...role,
          accountId: '444455556666',
          oidcIssuer: 'oidc.eks.eu-west-1.amazonaws.com/id/abc',
        }),
      },
    ];

    const created = mapFinding(exposure, NOW);
    expect(created.RelatedFindings).toEqual(expected);
    expect(created.FindingProviderFields?.RelatedFindings).toEqual(expected);
    expect(findingProblems(created)).toEqual([]);

    const updated = mapFinding(exposure, NOW, {
      firstSeen: { createdAt: NOW.toISOString(), firstObservedAt: NOW.toISOString() },
    });
    expect(updated.RelatedFindings).toBeUndefined();
    expect(updated.FindingProviderFields?.RelatedFindings).toEqual(expected);
  });

  it('sends at most 10 related findings', () => {
    const related = Array.from({ length: 12 }, (_, i) => ({
      accountId: '111122223333',
      checkId: 'nodegroup-public-subnets',
      region: 'eu-west-1',
      resource: { type: 'AwsEksNodegroup' as const, id: `${CLUSTER.arn}-ng-${i}`, name: `prod/ng-${i}` },
    }));
    const finding = mapFinding(aClusterResult({ checkId: 'cluster-exposure', related }), NOW);

    expect(finding.RelatedFindings).toHaveLength(10);
    expect(findingProblems(finding)).toEqual([]);
  });

  it('maps a node-group result to an Other resource with what was read, and its cluster second', () => {
    const nodegroup = aNodegroup({
      remoteAccess: { ec2SshKey: 'ops', sourceSecurityGroups: [] },
      launchTemplate: 'lt-workers',
    });
    const result = aClusterResult({
      checkId: 'nodegroup-remote-access',
      resource: { type: 'AwsEksNodegroup', id: nodegroup.arn, name: 'prod/workers' },
      clusterArn: CLUSTER.arn,
    });
    const finding = mapFinding(result, NOW, {
      descriptions: describedWith({ clusters: [CLUSTER], nodegroups: [nodegroup] }),
    });

    expect(findingProblems(finding)).toEqual([]);
    expect(finding.Resources.map((r) => [r.Type, r.Id])).toEqual([
      ['Other', nodegroup.arn],
      ['AwsEksCluster', CLUSTER.arn],
    ]);
    expect(finding.Resources[0]?.Details?.Other).toEqual({
      nodegroupName: 'workers',
      clusterName: 'prod',
      status: 'ACTIVE',
      subnets: nodegroup.subnets?.join(','),
      ec2SshKey: 'ops',
      launchTemplate: 'lt-workers',
    });
    expect(finding.ProductFields?.['eks-posture/ClusterArn']).toBe(CLUSTER.arn);
  });

  it('maps an add-on result to an Other resource with what was read, and its cluster second', () => {
    const addon = anAddon({
      version: 'v1.19.2-eksbuild.1',
      status: 'DEGRADED',
      healthIssues: [{ code: 'InsufficientNumberOfReplicas', message: 'no replicas', resourceIds: [] }],
    });
    const result = aClusterResult({
      checkId: 'addon-health-and-version',
      severity: 'MEDIUM',
      resource: { type: 'AwsEksAddon', id: addon.arn, name: 'prod/vpc-cni' },
      clusterArn: CLUSTER.arn,
    });
    const finding = mapFinding(result, NOW, {
      descriptions: describedWith({ clusters: [CLUSTER], addons: [addon] }),
    });

    expect(findingProblems(finding)).toEqual([]);
    expect(finding.Resources.map((r) => [r.Type, r.Id, r.Region])).toEqual([
      ['Other', addon.arn, 'eu-west-1'],
      ['AwsEksCluster', CLUSTER.arn, 'eu-west-1'],
    ]);
    expect(finding.Resources[0]?.Details?.Other).toEqual({
      addonName: 'vpc-cni',
      clusterName: 'prod',
      addonVersion: 'v1.19.2-eksbuild.1',
      status: 'DEGRADED',
      defaultVersion: 'v1.20.4-eksbuild.2',
      healthIssues: 'InsufficientNumberOfReplicas',
    });
  });

  it('maps an OIDC provider result to an Other resource without a region, and the cluster that issues it second', () => {
    const result = aClusterResult({
      checkId: 'oidc-provider-in-use',
      status: 'PASSED',
      severity: 'INFORMATIONAL',
      resource: {
        type: 'AwsIamOidcProvider',
        id: PROVIDER_ARN,
        name: 'oidc.eks.eu-west-1.amazonaws.com/id/a1b2',
      },
      clusterArn: CLUSTER.arn,
    });
    const finding = mapFinding(result, NOW, { descriptions: describedWith({ clusters: [CLUSTER] }) });

    expect(findingProblems(finding)).toEqual([]);
    expect(finding.Resources[0]).toEqual({
      Type: 'Other',
      Id: PROVIDER_ARN,
      Partition: 'aws',
      Details: { Other: { issuer: 'oidc.eks.eu-west-1.amazonaws.com/id/a1b2' } },
    });
    expect(finding.Resources[1]?.Id).toBe(CLUSTER.arn);
  });

  it('maps an account-region result to the account, as Security Hub names it, in the region judged', () => {
    const result = aClusterResult({
      checkId: 'threat-detection-coverage',
      status: 'PASSED',
      severity: 'INFORMATIONAL',
      resource: { type: 'AwsAccount', id: `AWS::::Account:${ACCOUNT}`, name: `${ACCOUNT}/${REGION}` },
    });
    const { clusterArn: _, ...withoutCluster } = result;
    const finding = mapFinding(withoutCluster, NOW, {
      descriptions: describedWith({
        detectors: { [`${ACCOUNT}/${REGION}`]: { known: true, value: [DETECTOR] } },
      }),
    });

    expect(findingProblems(finding)).toEqual([]);
    expect(finding.Resources).toEqual([
      {
        Type: 'AwsAccount',
        Id: `AWS::::Account:${ACCOUNT}`,
        Partition: 'aws',
        Region: REGION,
        Details: {
          Other: {
            region: REGION,
            detectorIds: DETECTOR.id,
            [`${DETECTOR.id}.status`]: 'ENABLED',
            [`${DETECTOR.id}.enabledFeatures`]: 'EKS_AUDIT_LOGS,RUNTIME_MONITORING',
          },
        },
      },
    ]);
    // One finding per account and region: the region is part of its Id.
    expect(finding.Id).toContain(`/${REGION}/threat-detection-coverage/`);
  });

  it('shows an URL-encoded trust policy decoded', () => {
    const encoded = aRole(encodeURIComponent(ROLE.trustPolicy), ROLE.name);
    const finding = mapFinding(aRoleResult(), NOW, { descriptions: describedWith({ roles: [encoded] }) });
    expect(finding.Resources[0]?.Details?.AwsIamRole?.AssumeRolePolicyDocument).toBe(ROLE.trustPolicy);
  });

  it('keeps CreatedAt and FirstObservedAt from the first sighting', () => {
    const finding = mapFinding(aClusterResult({ status: 'PASSED', severity: 'INFORMATIONAL' }), NOW, {
      firstSeen: { createdAt: '2025-01-02T03:04:05.000Z', firstObservedAt: '2025-01-02T03:04:05.000Z' },
    });
    expect(finding).toMatchObject({
      CreatedAt: '2025-01-02T03:04:05.000Z',
      FirstObservedAt: '2025-01-02T03:04:05.000Z',
      UpdatedAt: NOW.toISOString(),
      Compliance: { Status: 'PASSED' },
    });
  });

  it('cuts text to the ASFF limits and stays valid', () => {
    const finding = mapFinding(
      aClusterResult({
        detail: 'x'.repeat(5000),
        title: 'y'.repeat(300),
        remediation: { text: 'z'.repeat(900), url: 'https://docs.aws.amazon.com/' },
      }),
      NOW,
    );
    expect(finding.Description).toHaveLength(1024);
    expect(finding.Description.endsWith('…')).toBe(true);
    expect(finding.Title).toHaveLength(256);
    expect(finding.Remediation?.Recommendation.Text).toHaveLength(512);
    expect(findingProblems(finding)).toEqual([]);
  });

  it("uses the account's partition for the product ARN and the resources", () => {
    const arn = 'arn:aws-us-gov:eks:us-gov-west-1:111122223333:cluster/gov';
    const finding = mapFinding(
      aClusterResult({
        region: 'us-gov-west-1',
        resource: { type: 'AwsEksCluster', id: arn, name: 'gov' },
        clusterArn: arn,
      }),
      NOW,
      { partition: 'aws-us-gov' },
    );
    expect(finding.ProductArn).toBe(
      'arn:aws-us-gov:securityhub:us-gov-west-1:111122223333:product/111122223333/default',
    );
    expect(finding.Resources[0]?.Partition).toBe('aws-us-gov');
    expect(findingProblems(finding)).toEqual([]);
  });

  it('describes an undescribed cluster by name and ARN only', () => {
    const finding = mapFinding(aClusterResult({ status: 'NOT_AVAILABLE', severity: 'INFORMATIONAL' }), NOW, {
      descriptions: describedWith({}),
    });
    expect(finding.Resources[0]?.Details).toEqual({ AwsEksCluster: { Arn: CLUSTER.arn, Name: 'prod' } });
    expect(findingProblems(finding)).toEqual([]);
  });
});
