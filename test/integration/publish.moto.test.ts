/** Publishing and the finding lifecycle against moto's Security Hub, read back after every run. */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EKSClient } from '@aws-sdk/client-eks';
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountClients } from '../../lambda/collect/clients';
import { findingId } from '../../lambda/model/finding-id';
import { isPublishable } from '../../lambda/model/result';
import { describeResources, toFinding } from '../../lambda/publish/asff-mapper';
import { findingProblems } from '../../lambda/publish/asff-schema';
import { DEFAULT_SCAN_CONFIG } from '../../lambda/scan/config';
import { runScan } from '../../lambda/scan/scan';
import { scanAndPublish as runAndPublish } from '../../lambda/scan/scan-and-publish';
import { scannerClients, seedClients } from '../../scripts/emulator/clients';
import {
  createCluster,
  deleteCluster,
  deleteRole,
  seedDemoAccount,
} from '../../scripts/emulator/demo-account';
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS } from '../../scripts/emulator/moto';
import { useMoto } from '../support/moto-hooks';
import { checksPer } from '../support/results';

const CLUSTER_CHECKS = checksPer('AwsEksCluster');

const moto = useMoto({ resetEachTest: true });
let denying: Server;
let deniedEndpoint: string;
beforeAll(async () => {
  // An EKS endpoint that refuses every call, as EKS does when a policy or SCP denies it.
  denying = createServer((_, response) => {
    response.writeHead(403, {
      'content-type': 'application/json',
      'x-amzn-errortype': 'AccessDeniedException',
    });
    response.end(
      JSON.stringify({
        message: 'User is not authorized to perform: eks:ListClusters with an explicit deny',
      }),
    );
  });
  await new Promise<void>((resolve) => denying.listen(0, '127.0.0.1', resolve));
  deniedEndpoint = `http://127.0.0.1:${(denying.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => denying?.close(resolve));
});

const REGIONS = ['eu-west-1', 'us-east-1'];
const FAST = { readsPerSecond: 100, importsPerSecond: 100 };

async function scanAndPublish(
  at: string,
  regions = REGIONS,
  adjust: (c: AccountClients) => AccountClients = (c) => c,
) {
  const { clients: real, apiCalls } = scannerClients(moto.endpoint);
  const clients = adjust(real);
  const { report } = await runAndPublish({
    targets: { accounts: [{ clients }], caller: clients, clientsOf: () => clients },
    publish: true,
    apiCalls,
    homeRegion: 'us-east-1',
    regions,
    config: DEFAULT_SCAN_CONFIG,
    clock: () => new Date(at),
    rates: FAST,
  });
  if (!report.publish) throw new Error('the run did not publish');
  return { report, publish: report.publish };
}

function hub(region: string): SecurityHubClient {
  return new SecurityHubClient({ region, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
}

async function findingsIn(region: string): Promise<Map<string, AwsSecurityFinding>> {
  const all: AwsSecurityFinding[] = [];
  let token: string | undefined;
  do {
    const page = await hub(region).send(
      new GetFindingsCommand({ MaxResults: 100, ...(token ? { NextToken: token } : {}) }),
    );
    all.push(...(page.Findings ?? []));
    token = page.NextToken || undefined;
  } while (token);
  return new Map(all.map((f) => [f.Id ?? '', f]));
}

const state = (f: AwsSecurityFinding | undefined) => `${f?.RecordState ?? 'ACTIVE'} ${f?.Compliance?.Status}`;

describe('Publish: lifecycle on moto', () => {
  it('imports exactly one valid finding per result, in the account and region of the resource', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));

    const { report, publish } = await scanAndPublish('2026-11-23T10:00:00Z');

    for (const region of REGIONS) {
      const stored = await findingsIn(region);
      // Every result of this account has a resource ARN, so every one has its finding.
      expect(report.results.every(isPublishable)).toBe(true);
      const expected = report.results
        .filter((r) => r.region === region)
        .filter(isPublishable)
        .map(findingId)
        .sort();
      expect([...stored.keys()].sort()).toEqual(expected);
      for (const finding of stored.values()) {
        expect(finding).toMatchObject({ AwsAccountId: MOTO_ACCOUNT_ID, Region: region });
        expect(findingProblems(finding)).toEqual([]);
      }
    }
    expect(publish.failures).toEqual([]);
    expect(publish.invalidFindings).toEqual([]);
    expect(publish.targets.map((t) => [t.region, t.imported, t.archived])).toEqual(
      REGIONS.map((region) => [region, report.results.filter((r) => r.region === region).length, 0]),
    );
  });

  it('archives IRSA findings of the previous Id format, keeping their history, and creates one per issuer', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));
    // A store as the version before one result per issuer left it: only findings whose Id digests the
    // role ARN and the cluster of its issuer (see finding-id.ts). The demo's roles each trust one issuer,
    // so the old result sat in the same region as the new one.
    const { clients, apiCalls } = scannerClients(moto.endpoint);
    const scan = await runScan({
      accounts: [{ clients }],
      apiCalls,
      homeRegion: 'us-east-1',
      regions: REGIONS,
      config: DEFAULT_SCAN_CONFIG,
      clock: () => new Date('2025-06-01T00:00:00Z'),
    });
    const irsa = scan.report.results.filter(isPublishable).filter((r) => r.checkId === 'irsa-trust-policy');
    expect(irsa.length).toBeGreaterThan(0);
    const previousId = (r: (typeof irsa)[number]) =>
      `eks-posture/${r.accountId}/${r.region}/${r.checkId}/${createHash('sha256')
        .update(`${r.resource.id}\n${r.clusterArn ?? ''}`)
        .digest('hex')
        .slice(0, 32)}`;
    const descriptions = describeResources(scan.snapshot);
    for (const region of REGIONS) {
      const old = irsa
        .filter((r) => r.region === region)
        .map((r) => ({
          ...toFinding(r, descriptions, { partition: 'aws', now: new Date('2025-06-01T00:00:00Z') }),
          Id: previousId(r),
        }));
      if (old.length > 0) await hub(region).send(new BatchImportFindingsCommand({ Findings: old }));
    }

    await scanAndPublish('2026-01-06T10:00:00Z');

    for (const region of REGIONS) {
      const stored = await findingsIn(region);
      for (const result of irsa.filter((r) => r.region === region)) {
        expect(findingId(result)).not.toBe(previousId(result));
        const old = stored.get(previousId(result));
        expect(old?.RecordState).toBe('ARCHIVED');
        expect(old?.CreatedAt).toBe('2025-06-01T00:00:00.000Z');
        expect(old?.UpdatedAt).toBe('2026-01-06T10:00:00.000Z');
        // The new one is created by this run.
        expect(stored.get(findingId(result))).toMatchObject({
          RecordState: 'ACTIVE',
          CreatedAt: '2026-01-06T10:00:00.000Z',
        });
      }
    }
  });

  it('changes no Id and no CreatedAt on a re-run, sends again only what changed, and refreshes the rest when due', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));
    await scanAndPublish('2026-11-23T10:00:00Z');
    const before = await findingsIn('us-east-1');

    // A day later nothing changed but what depends on the date (days left of a version's support).
    const { publish } = await scanAndPublish('2026-11-24T10:00:00Z');
    const next = await findingsIn('us-east-1');
    // A week after the first import, every finding is due.
    await scanAndPublish('2026-11-30T10:00:00Z');
    const after = await findingsIn('us-east-1');

    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const unchanged = publish.targets.find((t) => t.region === 'us-east-1')?.unchanged ?? 0;
    expect(unchanged).toBeGreaterThan(before.size / 2);
    // Left as stored: at least the unchanged ones (kept verdicts of what could not be judged wait too).
    const leftAsStored = [...next.values()].filter((f) => f.UpdatedAt === '2026-11-23T10:00:00.000Z');
    expect(leftAsStored.length).toBeGreaterThanOrEqual(unchanged);
    for (const [id, finding] of after) {
      expect(finding.CreatedAt).toBe(before.get(id)?.CreatedAt);
      expect(finding.CreatedAt).toBe('2026-11-23T10:00:00.000Z');
      expect(finding.UpdatedAt).toBe('2026-11-30T10:00:00.000Z');
      expect(finding.RecordState ?? 'ACTIVE').toBe('ACTIVE');
    }
  });

  it('turns a fixed cluster PASSED and archives the findings of a deleted cluster and a deleted role', async () => {
    const seeded = await seedDemoAccount(seedClients(moto.endpoint));
    await scanAndPublish('2026-11-23T10:00:00Z');
    // Fix analytics: recreated with the same name (the same ARN), private and with every log type.
    await deleteCluster(seedClients(moto.endpoint), 'us-east-1', 'analytics');
    await createCluster(seedClients(moto.endpoint), {
      name: 'analytics',
      region: 'us-east-1',
      version: '1.35',
      publicAccess: false,
      privateAccess: true,
      logging: [{ types: ['api', 'audit', 'authenticator'], enabled: true }],
    });
    await deleteCluster(seedClients(moto.endpoint), 'us-east-1', 'legacy-batch');
    await deleteRole(seedClients(moto.endpoint), 'ci-deployer');

    const { publish } = await scanAndPublish('2026-11-24T10:00:00Z');

    const stored = await findingsIn('us-east-1');
    const byResource = (arn: string | undefined, check: string) =>
      [...stored.values()].find(
        (f) => f.Resources?.[0]?.Id === arn && f.GeneratorId === `eks-posture/${check}`,
      );
    expect(state(byResource(seeded.clusters.analytics, 'endpoint-public-access'))).toBe('ACTIVE PASSED');
    expect(state(byResource(seeded.clusters.analytics, 'control-plane-logging'))).toBe('ACTIVE PASSED');
    for (const check of [
      'endpoint-public-access',
      'secrets-encryption',
      'supported-version',
      'control-plane-logging',
    ]) {
      expect(state(byResource(seeded.clusters['legacy-batch'], check))).toBe('ARCHIVED FAILED');
    }
    expect(state(byResource(seeded.roles['ci-deployer'], 'irsa-trust-policy'))).toBe('ARCHIVED FAILED');
    for (const nodegroup of ['analytics/spot', 'legacy-batch/batch']) {
      for (const check of ['nodegroup-remote-access', 'nodegroup-public-subnets']) {
        expect(state(byResource(seeded.nodegroups[nodegroup], check))).toBe('ARCHIVED FAILED');
      }
    }
    // legacy-batch's cluster findings, the two node groups' findings, and ci-deployer's.
    expect(publish.targets.find((t) => t.region === 'us-east-1')?.archived).toBe(
      CLUSTER_CHECKS + 2 * checksPer('AwsEksNodegroup') + 1,
    );
    expect(publish.targets.find((t) => t.region === 'eu-west-1')?.archived).toBe(0);
  });

  it('never touches regions outside --regions, nor findings of other products or generators', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));
    await scanAndPublish('2026-11-23T10:00:00Z');
    const foreign = {
      SchemaVersion: '2018-10-08',
      ProductArn: `arn:aws:securityhub:us-east-1:${MOTO_ACCOUNT_ID}:product/${MOTO_ACCOUNT_ID}/default`,
      AwsAccountId: MOTO_ACCOUNT_ID,
      CreatedAt: '2026-01-01T00:00:00.000Z',
      UpdatedAt: '2026-01-01T00:00:00.000Z',
      Title: 'another tool',
      Description: 'not ours',
      Resources: [{ Type: 'Other', Id: 'x' }],
    };
    await hub('us-east-1').send(
      new BatchImportFindingsCommand({
        Findings: [
          { ...foreign, Id: 'other-tool-1', GeneratorId: 'prowler-eks-cluster-endpoint' },
          { ...foreign, Id: 'eks-posture-lookalike', GeneratorId: 'eks-posture-legacy/x' },
        ],
      }),
    );
    const euBefore = await findingsIn('eu-west-1');
    await deleteCluster(seedClients(moto.endpoint), 'eu-west-1', 'web-eu');

    await scanAndPublish('2026-11-24T10:00:00Z', ['us-east-1']);

    expect(await findingsIn('eu-west-1')).toEqual(euBefore);
    const us = await findingsIn('us-east-1');
    expect(us.get('other-tool-1')?.UpdatedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(us.get('other-tool-1')?.RecordState ?? 'ACTIVE').toBe('ACTIVE');
    expect(us.get('eks-posture-lookalike')?.RecordState ?? 'ACTIVE').toBe('ACTIVE');
  });

  it('archives nothing and changes nothing in a region that could not be scanned', async () => {
    const seeded = await seedDemoAccount(seedClients(moto.endpoint));
    await scanAndPublish('2026-11-23T10:00:00Z');
    const euBefore = await findingsIn('eu-west-1');
    await deleteCluster(seedClients(moto.endpoint), 'eu-west-1', 'web-eu');

    const { report, publish } = await scanAndPublish('2026-11-24T10:00:00Z', REGIONS, (clients) => ({
      ...clients,
      eks: (region) =>
        region === 'eu-west-1'
          ? new EKSClient({ region, endpoint: deniedEndpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 1 })
          : clients.eks(region),
    }));

    expect(report.targets.find((t) => t.region === 'eu-west-1')).toMatchObject({ status: 'FAILED' });
    expect(publish.targets.map((t) => t.region)).toEqual(['us-east-1']);
    const euAfter = await findingsIn('eu-west-1');
    expect(euAfter).toEqual(euBefore);
    expect([...euAfter.values()].some((f) => f.Resources?.[0]?.Id === seeded.clusters['web-eu'])).toBe(true);
  });

  it('leaves role findings alone when IAM could not be read, and still refreshes cluster findings', async () => {
    const seeded = await seedDemoAccount(seedClients(moto.endpoint));
    await scanAndPublish('2026-11-23T10:00:00Z');
    await deleteRole(seedClients(moto.endpoint), 'ci-deployer');

    const { publish } = await scanAndPublish('2026-11-30T10:00:00Z', REGIONS, (clients) => ({
      ...clients,
      iam: () => {
        const iam = clients.iam();
        return Object.assign(Object.create(iam), {
          send: () =>
            Promise.reject(
              Object.assign(new Error('not authorized to perform iam:GetAccountAuthorizationDetails'), {
                name: 'AccessDenied',
              }),
            ),
        });
      },
    }));

    const stored = await findingsIn('us-east-1');
    const ciDeployer = [...stored.values()].find((f) => f.Resources?.[0]?.Id === seeded.roles['ci-deployer']);
    expect(state(ciDeployer)).toBe('ACTIVE FAILED');
    expect(ciDeployer?.UpdatedAt).toBe('2026-11-23T10:00:00.000Z');
    expect(publish.targets.every((t) => t.skippedChecks.includes('irsa-trust-policy'))).toBe(true);
    const cluster = [...stored.values()].find((f) => f.Resources?.[0]?.Id === seeded.clusters.analytics);
    expect(cluster?.UpdatedAt).toBe('2026-11-30T10:00:00.000Z');
  });
});
