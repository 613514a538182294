/**
 * Nothing is lost or wrongly archived under faults. The same account is scanned and published
 * twice (a cluster and a role deleted between the runs), once straight to moto and once through a
 * proxy that throttles 20% and fails 2% of calls on every service, each fault in its service's
 * protocol. Security Hub must end in exactly the same state.
 */
import { type AwsSecurityFinding, GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../lambda/collect/api-calls';
import { createAccountClients } from '../../lambda/collect/clients';
import type { PublishSummary, ScanReport } from '../../lambda/model/report';
import { DEFAULT_SCAN_CONFIG } from '../../lambda/scan/config';
import { scanAndPublish as runAndPublish } from '../../lambda/scan/scan-and-publish';
import { seedClients } from '../../scripts/emulator/clients';
import { deleteCluster, deleteRole, seedDemoAccount } from '../../scripts/emulator/demo-account';
import { MOTO_CREDENTIALS } from '../../scripts/emulator/moto';
import type { FaultRule } from '../support/aws-proxy';
import { useAwsProxy, useMoto } from '../support/moto-hooks';
import { checksPer } from '../support/results';

const moto = useMoto();
const proxy = useAwsProxy(moto);
beforeEach(async () => {
  await moto.reset();
});

const REGIONS = ['eu-west-1', 'us-east-1'];
const FAULTS: FaultRule[] = [{ throttle: 0.2, serverError: 0.02 }];
/** Seeds of the faulty runs: each replays the same faults in the same order of calls. */
const SEEDS = [7, 42, 1234];

interface Run {
  readonly report: ScanReport;
  readonly publish: PublishSummary;
  readonly operations: number;
}

/** One scan and publish with the scanner's real retry settings, through `endpoint`. */
async function scanAndPublish(
  endpoint: string,
  at: string,
  options: { maxAttempts?: number; regions?: string[] } = {},
): Promise<Run> {
  const { maxAttempts, regions } = options;
  const apiCalls = new ApiCallCounter();
  const clients = createAccountClients({
    homeRegion: 'us-east-1',
    apiCalls,
    endpoint,
    credentials: MOTO_CREDENTIALS,
    ...(maxAttempts ? { maxAttempts } : {}),
  });
  const { report } = await runAndPublish({
    targets: { accounts: [{ clients }], caller: clients, clientsOf: () => clients },
    publish: true,
    apiCalls,
    homeRegion: 'us-east-1',
    ...(regions ? { regions } : {}),
    config: DEFAULT_SCAN_CONFIG,
    clock: () => new Date(at),
    rates: { readsPerSecond: 50, importsPerSecond: 50 },
  });
  const publish = report.publish;
  if (!publish) throw new Error('the run did not publish');
  const operations = Object.values(apiCalls.snapshot()).reduce((a, b) => a + b, 0);
  return { report, publish, operations };
}

async function hubState(): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  for (const region of REGIONS) {
    const hub = new SecurityHubClient({ region, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    let token: string | undefined;
    do {
      const page = await hub.send(
        new GetFindingsCommand({ MaxResults: 100, ...(token ? { NextToken: token } : {}) }),
      );
      for (const f of page.Findings ?? []) state[stableKey(f)] = summary(f);
      token = page.NextToken || undefined;
    } while (token);
  }
  return state;
}

/**
 * The finding's Id, or for a node group (whose ARN ends in an id moto draws anew on every reset)
 * its check and ARN without that id, so that runs of the same story compare.
 */
function stableKey(f: AwsSecurityFinding): string {
  const resource = f.Resources?.[0]?.Id ?? '';
  return resource.includes(':nodegroup/')
    ? `${f.GeneratorId} ${resource.split('/').slice(0, -1).join('/')}`
    : (f.Id ?? '');
}

function summary(f: AwsSecurityFinding): string {
  return `${f.RecordState ?? 'ACTIVE'} ${f.Compliance?.Status} ${f.Severity?.Label} ${f.CreatedAt}`;
}

/**
 * Two runs of the same story: scan, delete a cluster and a role, scan again. Every region moto
 * lists is scanned, so that each run makes enough calls for faults to land on every service.
 */
async function story(endpoint: string): Promise<{ state: Record<string, string>; runs: Run[] }> {
  await moto.reset();
  const seeded = seedClients(moto.endpoint);
  await seedDemoAccount(seeded);
  const first = await scanAndPublish(endpoint, '2026-11-23T10:00:00.000Z');
  await deleteCluster(seeded, 'us-east-1', 'legacy-batch');
  await deleteRole(seeded, 'ci-deployer');
  const second = await scanAndPublish(endpoint, '2026-11-24T10:00:00.000Z');
  return { state: await hubState(), runs: [first, second] };
}

describe('Reliability: throttling and server errors', () => {
  it('leaves Security Hub exactly as a fault-free run does, losing and wrongly archiving nothing', {
    timeout: 300_000,
  }, async () => {
    const clean = await story(moto.endpoint);
    const totals = { requests: 0, operations: 0, throttle: 0, serverError: 0 };

    for (const seed of SEEDS) {
      proxy.configure(FAULTS, seed);
      const before = proxy.stats();
      const faulty = await story(proxy.endpoint);
      const after = proxy.stats();

      const throttle = after.faults.throttle - before.faults.throttle;
      const serverError = after.faults.serverError - before.faults.serverError;
      const requests = after.requests - before.requests;
      const operations = faulty.runs.reduce((sum, run) => sum + run.operations, 0);
      // Every fault was met with a retry that got through: one extra request per fault, no failed call.
      expect(requests - operations).toBe(throttle + serverError);
      for (const run of faulty.runs) {
        expect(run.report.targets.every((t) => t.status === 'SCANNED')).toBe(true);
        expect(run.publish.failures).toEqual([]);
      }
      expect(faulty.state).toEqual(clean.state);
      totals.requests += requests;
      totals.operations += operations;
      totals.throttle += throttle;
      totals.serverError += serverError;
    }

    expect(totals.throttle).toBeGreaterThan(0);
    expect(totals.serverError).toBeGreaterThan(0);
    const archived = Object.values(clean.state).filter((s) => s.startsWith('ARCHIVED')).length;
    // legacy-batch's cluster findings, its node group's, and ci-deployer's IRSA finding.
    expect(archived).toBe(checksPer('AwsEksCluster') + checksPer('AwsEksNodegroup') + 1);
    process.stdout.write(
      `faults: ${totals.requests} requests for ${totals.operations} operations, ${totals.throttle} throttled, ${totals.serverError} server errors, all retried; ${Object.keys(clean.state).length} findings identical in ${SEEDS.length} faulty runs, ${archived} archived in each, none lost\n`,
    );
  });
});

describe('Reliability: retries exhausted', () => {
  it('keeps the findings of log retention, threat detection, node metadata and stale access as they were when their reads fail', {
    timeout: 120_000,
  }, async () => {
    const seeded = seedClients(moto.endpoint);
    await seedDemoAccount(seeded);
    await scanAndPublish(moto.endpoint, '2026-11-23T10:00:00.000Z', { regions: REGIONS });
    const before = await hubState();
    // Every read those checks rest on is throttled past its retries.
    proxy.configure([
      { service: 'logs', operation: 'DescribeLogGroups', throttle: 1 },
      { service: 'guardduty', operation: 'ListDetectors', throttle: 1 },
      { service: 'ec2', operation: 'DescribeLaunchTemplateVersions', throttle: 1 },
      { service: 'iam', operation: 'ListUsers', throttle: 1 },
    ]);

    const run = await scanAndPublish(proxy.endpoint, '2026-11-24T10:00:00.000Z', {
      maxAttempts: 2,
      regions: REGIONS,
    });

    // Nothing else is lost: every target is scanned, and the checks judge what they can.
    expect(run.report.targets.every((t) => t.status === 'SCANNED')).toBe(true);
    const judged = (checkId: string) => run.report.results.filter((r) => r.checkId === checkId);
    for (const checkId of ['control-plane-log-retention', 'threat-detection-coverage']) {
      expect(judged(checkId).length).toBeGreaterThan(0);
      expect(judged(checkId).every((r) => r.status === 'NOT_AVAILABLE' || r.status === 'PASSED')).toBe(true);
    }
    expect(judged('threat-detection-coverage').every((r) => r.detail.includes('ListDetectors failed'))).toBe(
      true,
    );
    const spot = judged('nodegroup-instance-metadata').find((r) => r.resource.name === 'analytics/spot');
    expect(spot).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(spot?.detail).toContain('DescribeLaunchTemplateVersions failed');
    // Verdicts that could not be had keep their findings: nothing is archived, nothing changes state.
    const after = await hubState();
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const [id, state] of Object.entries(before)) expect(after[id]).toBe(state);
    expect(run.publish.targets.every((t) => t.archived === 0)).toBe(true);
  });

  it('reports the target failed and leaves its findings as they were', { timeout: 120_000 }, async () => {
    const seeded = seedClients(moto.endpoint);
    await seedDemoAccount(seeded);
    await scanAndPublish(moto.endpoint, '2026-11-23T10:00:00.000Z', { regions: REGIONS });
    const before = await hubState();
    // Every eu-west-1 cluster is gone, and every ListClusters there is throttled: nothing may conclude they are gone.
    for (const name of ['web-eu', 'ml-sandbox', 'edge-canary']) {
      await deleteCluster(seeded, 'eu-west-1', name);
    }
    proxy.configure([{ service: 'eks', operation: 'ListClusters', region: 'eu-west-1', throttle: 1 }]);

    const run = await scanAndPublish(proxy.endpoint, '2026-11-24T10:00:00.000Z', {
      maxAttempts: 3,
      regions: REGIONS,
    });

    expect(run.report.targets.find((t) => t.region === 'eu-west-1')).toMatchObject({
      status: 'FAILED',
      error: expect.stringContaining('eks:ListClusters failed'),
    });
    const after = await hubState();
    const euIds = Object.keys(before).filter((id) => id.includes('/eu-west-1/'));
    expect(euIds.length).toBeGreaterThan(0);
    for (const id of euIds) expect(after[id]).toBe(before[id]);
  });
});
