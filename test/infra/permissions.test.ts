/**
 * Least privilege, checked both ways: the actions the scanner and member roles hold are exactly
 * the calls the code makes with them, no unused permission and no missing one. The calls are
 * observed in a full organization scan with publishing against moto (enabled regions listed,
 * members reached through their role), plus the handler's scan-completed event.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AttachRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../lambda/collect/api-calls';
import { UNAUTHORIZED_OPERATIONS } from '../../lambda/collect/operations';
import { DEFAULT_SCAN_CONFIG } from '../../lambda/scan/config';
import { scanAndPublish } from '../../lambda/scan/scan-and-publish';
import { resolveTargets } from '../../lambda/scan/targets';
import { seedClients } from '../../scripts/emulator/clients';
import {
  createCluster,
  createDetector,
  createKey,
  createLaunchTemplate,
  createNetwork,
  createNodegroup,
  createRole,
  irsaTrust,
} from '../../scripts/emulator/demo-account';
import { MOTO_CREDENTIALS, motoEnvironment } from '../../scripts/emulator/moto';
import { useMoto } from '../support/moto-hooks';
import { buildApp, ORGANIZATION } from './app-support';

// AWS's managed policies loaded: an EKS-trusted role's AWS-managed policy is read with iam:GetPolicy.
const moto = useMoto({ managedPolicies: true });
beforeAll(() => {
  Object.assign(process.env, motoEnvironment(moto.endpoint));
});

/** What CDK adds for the function's own plumbing, not for the scan. */
const PLUMBING = new Set([
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'sqs:SendMessage',
  'kms:Decrypt',
  'kms:GenerateDataKey',
]);
/**
 * Read for each item of a listing moto lacks (access entries, Pod Identity associations, add-ons,
 * insights), so never reached against it; test/integration/cluster-resources.mock.test.ts and
 * test/integration/eks-surface.mock.test.ts prove the scan calls them.
 */
const BEYOND_MOTO = [
  'eks:DescribeAddon',
  'eks:DescribeAddonVersions',
  'eks:DescribeInsight',
  'eks:DescribePodIdentityAssociation',
  'eks:ListAssociatedAccessPolicies',
];
/** Called by the Lambda shell only, after the scan: the scan-completed event (proved by the bundle test). */
const SHELL_CALLS = ['events:PutEvents'];

type Statement = { Action: string | string[] };

function actions(outdir: string, stack: string, role: RegExp): string[] {
  const template = JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8')) as {
    Resources: Record<
      string,
      { Type: string; Properties: { Roles?: { Ref: string }[]; PolicyDocument?: { Statement: Statement[] } } }
    >;
  };
  return [
    ...new Set(
      Object.values(template.Resources)
        .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles?.some((ref) => role.test(ref.Ref)))
        .flatMap((r) => r.Properties.PolicyDocument?.Statement ?? [])
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])),
    ),
  ].sort();
}

describe('Permissions against calls', () => {
  it('grant the scanner and member roles exactly what an organization scan calls', {
    timeout: 120_000,
  }, async () => {
    const organizations = new OrganizationsClient({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      credentials: MOTO_CREDENTIALS,
    });
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    await organizations.send(new CreateAccountCommand({ AccountName: 'm', Email: 'm@example.com' }));
    const seed = seedClients(moto.endpoint);
    const network = await createNetwork(seed, 'eu-west-1');
    await createCluster(seed, {
      name: 'c',
      region: 'eu-west-1',
      version: '1.35',
      publicAccess: false,
      privateAccess: true,
      keyArn: await createKey(seed, 'eu-west-1', 'enabled'),
      subnetIds: network.privateSubnets,
      securityGroupIds: [network.closedGroup],
    });
    // On a launch template (its metadata options are read) in a region with a detector (its features are).
    await createNodegroup(seed, {
      cluster: 'c',
      region: 'eu-west-1',
      name: 'n',
      subnets: network.privateSubnets,
      launchTemplateId: await createLaunchTemplate(seed, 'eu-west-1', 'n', {
        httpTokens: 'required',
        hopLimit: 1,
      }),
    });
    await createDetector(seed, 'eu-west-1', ['EKS_AUDIT_LOGS']);
    // An IRSA role with an AWS-managed policy: its permissions are read (iam:GetPolicy, iam:GetPolicyVersion).
    await createRole(
      seed,
      'app',
      irsaTrust(`arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE`),
    );
    await seed
      .iam()
      .send(
        new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
      );
    const apiCalls = new ApiCallCounter();
    const targets = await resolveTargets({
      homeRegion: 'us-east-1',
      apiCalls,
      organization: true,
      roleName: 'OrganizationAccountAccessRole',
    });
    await scanAndPublish({
      targets,
      publish: true,
      apiCalls,
      homeRegion: 'us-east-1',
      config: DEFAULT_SCAN_CONFIG,
      rates: { readsPerSecond: 100, importsPerSecond: 100 },
    });
    const free: readonly string[] = UNAUTHORIZED_OPERATIONS;
    const called = [
      ...Object.keys(apiCalls.snapshot()).filter((op) => !free.includes(op)),
      ...BEYOND_MOTO,
    ].sort();
    expect(called).toEqual([...new Set(called)]);
    const synthesized = buildApp({ scanner: { organization: ORGANIZATION } }, true);

    const scanner = actions(synthesized.outdir, 'EksPosture', /^ScannerRole/).filter((a) => !PLUMBING.has(a));
    const member = actions(synthesized.outdir, 'EksPostureMemberRole', /MemberRole/);

    expect(scanner).toEqual([...called, ...SHELL_CALLS].sort());
    // A member role is used for everything but listing the organization and assuming roles.
    const memberCalls = called.filter((op) => op !== 'organizations:ListAccounts' && op !== 'sts:AssumeRole');
    expect(member).toEqual(memberCalls.sort());
  });
});
