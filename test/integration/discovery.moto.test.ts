/**
 * Discovery against a real AWS API emulator (moto_server): `list` leaves the scan exactly as it
 * was, and `config:<aggregator>` on moto, which stores aggregators but answers the aggregator's
 * source status and advanced queries with HTTP 500, falls back to listing every region.
 */
import { ConfigServiceClient, PutConfigurationAggregatorCommand } from '@aws-sdk/client-config-service';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCAN_CONFIG } from '../../lambda/scan/config';
import type { DiscoverySetting } from '../../lambda/scan/discovery-setting';
import { runScan } from '../../lambda/scan/scan';
import { scannerClients, seedClients } from '../../scripts/emulator/clients';
import { seedDemoAccount } from '../../scripts/emulator/demo-account';
import { MOTO_CREDENTIALS } from '../../scripts/emulator/moto';
import { useMoto } from '../support/moto-hooks';

const moto = useMoto({ resetEachTest: true });

const NOW = new Date('2026-11-23T12:00:00Z');
const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2'];

async function scan(discovery?: DiscoverySetting) {
  const { clients, apiCalls } = scannerClients(moto.endpoint);
  return runScan({
    accounts: [{ clients }],
    apiCalls,
    homeRegion: 'us-east-1',
    regions: REGIONS,
    config: DEFAULT_SCAN_CONFIG,
    clock: () => NOW,
    ...(discovery ? { discovery: { setting: discovery, clients } } : {}),
  });
}

/** What must not depend on discovery: results, targets and coverage. */
function picture(run: Awaited<ReturnType<typeof scan>>) {
  return { results: run.report.results, targets: run.report.targets, coverage: run.coverage };
}

describe('Discovery on moto', () => {
  it('changes nothing with list but saying so: same results, targets, coverage and calls', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));

    const before = await scan();
    const listed = await scan({ kind: 'list' });

    expect(picture(listed)).toEqual(picture(before));
    expect(listed.report.stats.apiCalls).toEqual(before.report.stats.apiCalls);
    expect(listed.report.stats.apiCalls['eks:ListClusters']).toBe(REGIONS.length);
    expect(listed.report.discovery).toEqual({ kind: 'list' });
    expect(before.report).not.toHaveProperty('discovery');
  });

  it('lists every region when the aggregator cannot be queried, and says why', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));
    const config = new ConfigServiceClient({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      credentials: MOTO_CREDENTIALS,
    });
    await config.send(
      new PutConfigurationAggregatorCommand({
        ConfigurationAggregatorName: 'org',
        AccountAggregationSources: [{ AccountIds: ['123456789012'], AllAwsRegions: true }],
      }),
    );

    const before = await scan();
    const discovered = await scan({ kind: 'config', aggregator: 'org' });

    expect(picture(discovered)).toEqual(picture(before));
    expect(discovered.report.stats.apiCalls['eks:ListClusters']).toBe(REGIONS.length);
    expect(discovered.report.discovery).toMatchObject({ kind: 'config', aggregator: 'org', skipped: 0 });
    const fallback =
      discovered.report.discovery?.kind === 'config' ? discovered.report.discovery.fallback : '';
    expect(fallback).toMatch(
      /^config:(DescribeConfigurationAggregatorSourcesStatus|SelectAggregateResourceConfig)/,
    );
    expect(discovered.coverage.scopes.some((s) => s.provenEmpty)).toBe(false);
  });
});
