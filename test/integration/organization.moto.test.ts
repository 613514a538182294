/**
 * An organization on moto: members created with CreateAccount get OrganizationAccountAccessRole,
 * and credentials assumed into it act on that member's own data.
 */

import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../lambda/collect/api-calls';
import { DEFAULT_SCAN_CONFIG } from '../../lambda/scan/config';
import { runScan } from '../../lambda/scan/scan';
import { scanAndPublish } from '../../lambda/scan/scan-and-publish';
import { resolveTargets } from '../../lambda/scan/targets';
import { memberCredentials, seedClients } from '../../scripts/emulator/clients';
import { createCluster } from '../../scripts/emulator/demo-account';
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, motoEnvironment } from '../../scripts/emulator/moto';
import { useMoto } from '../support/moto-hooks';
import { checksPer } from '../support/results';

const CLUSTER_CHECKS = checksPer('AwsEksCluster');

const moto = useMoto({ resetEachTest: true });
beforeAll(() => {
  // The scanner finds the endpoint and the management account's credentials the way the CLI does.
  Object.assign(process.env, motoEnvironment(moto.endpoint));
});

const ROLE = 'OrganizationAccountAccessRole';

async function createOrganization(members: number): Promise<string[]> {
  const organizations = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: MOTO_CREDENTIALS,
  });
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const ids: string[] = [];
  for (let i = 0; i < members; i++) {
    const created = await organizations.send(
      new CreateAccountCommand({ AccountName: `member-${i}`, Email: `member-${i}@example.com` }),
    );
    const id = created.CreateAccountStatus?.AccountId;
    if (!id) throw new Error('moto returned no account id');
    ids.push(id);
  }
  return ids;
}

describe('Scan: organization on moto', () => {
  it("reports each member's clusters under its own account and imports into its own Security Hub", async () => {
    const members = await createOrganization(2);
    for (const [i, id] of members.entries()) {
      await createCluster(seedClients(moto.endpoint, await memberCredentials(moto.endpoint, id)), {
        name: `cluster-${i}`,
        region: 'eu-west-1',
        version: '1.35',
        publicAccess: true,
        privateAccess: false,
        publicAccessCidrs: ['0.0.0.0/0'],
      });
    }
    const apiCalls = new ApiCallCounter();

    const targets = await resolveTargets({
      homeRegion: 'us-east-1',
      apiCalls,
      organization: true,
      roleName: ROLE,
    });
    const { report } = await scanAndPublish({
      targets,
      publish: true,
      apiCalls,
      homeRegion: 'us-east-1',
      regions: ['eu-west-1'],
      config: DEFAULT_SCAN_CONFIG,
      rates: { readsPerSecond: 100, importsPerSecond: 100 },
    });
    const publish = report.publish;

    const accounts = [MOTO_ACCOUNT_ID, ...members].sort();
    expect(report.targets.map((t) => `${t.accountId} ${t.region} ${t.status}`)).toEqual(
      accounts.flatMap((a) => [`${a} eu-west-1 SCANNED`, `${a} global SCANNED`]),
    );
    const clusters = report.results.filter((r) => r.checkId === 'endpoint-public-access');
    expect(clusters.map((r) => [r.accountId, r.resource.name]).sort()).toEqual(
      members.map((id, i) => [id, `cluster-${i}`]).sort(),
    );
    expect(clusters.every((r) => r.resource.id?.includes(`:${r.accountId}:cluster/`))).toBe(true);
    // One AssumeRole per member (not the management account), one listing and one IAM read per account.
    expect(report.stats.apiCalls).toMatchObject({
      'sts:AssumeRole': members.length,
      'sts:GetCallerIdentity': 1,
      'eks:ListClusters': accounts.length,
      'iam:GetAccountAuthorizationDetails': accounts.length,
      'iam:ListOpenIDConnectProviders': accounts.length,
      // Version support is read once per region per run, however many accounts have clusters there.
      'eks:DescribeClusterVersions': 1,
    });
    expect(publish?.failures).toEqual([]);
    for (const [i, id] of members.entries()) {
      const hub = new SecurityHubClient({
        region: 'eu-west-1',
        endpoint: moto.endpoint,
        credentials: await memberCredentials(moto.endpoint, id),
      });
      const stored = (await hub.send(new GetFindingsCommand({}))).Findings ?? [];
      // Its cluster's findings, and the threat-detection coverage of the account in the region.
      expect(stored).toHaveLength(CLUSTER_CHECKS + checksPer('AwsAccount'));
      expect(stored.every((f) => f.AwsAccountId === id)).toBe(true);
      expect(stored.filter((f) => f.Resources?.[0]?.Id?.endsWith(`cluster/cluster-${i}`))).toHaveLength(
        CLUSTER_CHECKS,
      );
      expect(stored.filter((f) => f.Resources?.[0]?.Id === `AWS::::Account:${id}`)).toHaveLength(1);
    }
  });

  it('fails an account whose role cannot be assumed, alone, asking for it once', async () => {
    const members = await createOrganization(2);
    const [denied, allowed] = members as [string, string];
    // moto checks no trust policy, so the denial is mocked: STS answers as AWS does for a role
    // that does not trust the caller; every other call still goes to moto.
    const sts = mockClient(STSClient);
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: MOTO_ACCOUNT_ID, Arn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:user/admin` });
    sts
      .on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${denied}:role/${ROLE}` })
      .rejects(
        Object.assign(
          new Error(
            `User is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${denied}:role/${ROLE}`,
          ),
          { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } },
        ),
      );
    sts.on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${allowed}:role/${ROLE}` }).resolves({
      Credentials: {
        AccessKeyId: 'AKIAMEMBER',
        SecretAccessKey: 'member',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    try {
      const apiCalls = new ApiCallCounter();
      const targets = await resolveTargets({
        homeRegion: 'us-east-1',
        apiCalls,
        organization: true,
        roleName: ROLE,
      });
      const { report } = await runScan({
        accounts: targets.accounts,
        apiCalls,
        homeRegion: 'us-east-1',
        regions: ['eu-west-1', 'us-east-1'],
        config: DEFAULT_SCAN_CONFIG,
      });

      const byAccount = (id: string) => report.targets.filter((t) => t.accountId === id);
      expect(byAccount(denied).map((t) => t.status)).toEqual(['FAILED', 'FAILED', 'FAILED']);
      expect(byAccount(denied)[0]?.error).toContain(
        `cannot assume arn:aws:iam::${denied}:role/${ROLE}: AccessDenied`,
      );
      expect(byAccount(allowed).every((t) => t.status === 'SCANNED')).toBe(true);
      expect(byAccount(MOTO_ACCOUNT_ID).every((t) => t.status === 'SCANNED')).toBe(true);
      // The denied role is asked once for the whole run, not once per call.
      expect(
        sts.commandCalls(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${denied}:role/${ROLE}` }),
      ).toHaveLength(1);
    } finally {
      sts.restore();
    }
  });
});
