/**
 * A scan killed halfway (as a Lambda timeout kills it) leaves no finding wrongly archived or
 * changed, and the next run completes the picture.
 */
import { spawn } from 'node:child_process';
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { seedClients } from '../../scripts/emulator/clients';
import { deleteCluster, seedDemoAccount } from '../../scripts/emulator/demo-account';
import { MOTO_CREDENTIALS } from '../../scripts/emulator/moto';
import { useAwsProxy, useMoto } from '../support/moto-hooks';
import { checksPer } from '../support/results';

const moto = useMoto();
const proxy = useAwsProxy(moto);

const REGIONS = ['eu-west-1', 'us-east-1'];

function cli(endpoint: string) {
  return spawn(
    process.execPath,
    ['--import', 'tsx', 'bin/eks-posture.ts', '--regions', REGIONS.join(','), '--publish'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
        AWS_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
}

async function complete(endpoint: string): Promise<number | null> {
  const child = cli(endpoint);
  return new Promise((resolve) => child.on('close', resolve));
}

async function hubState(): Promise<Map<string, AwsSecurityFinding>> {
  const state = new Map<string, AwsSecurityFinding>();
  for (const region of REGIONS) {
    const hub = new SecurityHubClient({ region, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    for (const f of (await hub.send(new GetFindingsCommand({ MaxResults: 100 }))).Findings ?? [])
      state.set(f.Id ?? '', f);
  }
  return state;
}

/**
 * Takes the content digest off every stored finding, as a scanner release before it left them: the
 * next run then sends every finding again (not only what changed), in several imports to interrupt.
 */
async function forgetDigests(): Promise<void> {
  for (const region of REGIONS) {
    const hub = new SecurityHubClient({ region, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    const findings = (await hub.send(new GetFindingsCommand({ MaxResults: 100 }))).Findings ?? [];
    const Findings = findings.map((f) => {
      const { 'eks-posture/ContentDigest': _, ...fields } = f.ProductFields ?? {};
      return { ...f, ProductFields: fields };
    });
    await hub.send(new BatchImportFindingsCommand({ Findings }));
  }
}

const record = (f: AwsSecurityFinding | undefined) =>
  `${f?.RecordState ?? 'ACTIVE'} ${f?.Compliance?.Status}`;

describe('Reliability: a scan killed halfway', () => {
  it('archives nothing wrongly, and the next run completes the picture', { timeout: 180_000 }, async () => {
    const seeded = await seedDemoAccount(seedClients(moto.endpoint));
    expect(await complete(moto.endpoint)).toBe(0);
    await forgetDigests();
    const before = await hubState();
    // Not the first cluster of its region: in moto every cluster of a region shares one issuer, and IRSA
    // findings name the first, so deleting that one would also move them to new Ids.
    await deleteCluster(seedClients(moto.endpoint), 'us-east-1', 'payments-prod');
    const deleted = seeded.clusters['payments-prod'] ?? '';
    const itsNodegroups = `${deleted.replace(':cluster/', ':nodegroup/')}/`;
    const gone = new Set(
      [...before.values()]
        .filter((f) => f.Resources?.[0]?.Id === deleted || f.Resources?.[0]?.Id?.startsWith(itsNodegroups))
        .map((f) => f.Id),
    );
    // Its cluster findings and those of its node group.
    expect(gone.size).toBe(checksPer('AwsEksCluster') + checksPer('AwsEksNodegroup'));
    // The first import goes through; every later one is held until the process is killed.
    proxy.configure([
      { service: 'securityhub', operation: 'BatchImportFindings', skip: 1, slow: 1, slowMs: 120_000 },
    ]);

    const child = cli(proxy.endpoint);
    const deadline = Date.now() + 60_000;
    while ((proxy.stats().byOperation['securityhub:BatchImportFindings'] ?? 0) < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));

    const interrupted = await hubState();
    expect([...interrupted.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [id, finding] of interrupted) {
      const was = record(before.get(id));
      // Each finding is as it was, or (only the deleted cluster's) archived by the one import that got through.
      if (gone.has(id))
        expect([was, `ARCHIVED ${before.get(id)?.Compliance?.Status}`]).toContain(record(finding));
      else expect(record(finding)).toBe(was);
    }

    proxy.configure([]);
    expect(await complete(proxy.endpoint)).toBe(0);

    const final = await hubState();
    for (const [id, finding] of final) {
      expect(record(finding)).toBe(
        gone.has(id) ? `ARCHIVED ${before.get(id)?.Compliance?.Status}` : record(before.get(id)),
      );
      expect(finding.CreatedAt).toBe(before.get(id)?.CreatedAt);
    }
  });
});
