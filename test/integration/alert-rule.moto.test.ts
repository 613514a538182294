/**
 * The synthesized alert rule, judged against the `Security Hub Findings - Imported` events our own
 * findings would raise: the findings are published into moto and read back, wrapped in the event
 * envelope Security Hub sends, and matched with the rule's pattern as the template holds it.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-event-formats.html
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseMutelist } from '../../lambda/mutelist/mutelist-file';
import { MUTED_FIELD, NEW_OR_WORSE_FIELD } from '../../lambda/publish/asff-mapper';
import { CHECK_IDS, DEFAULT_SCAN_CONFIG } from '../../lambda/scan/config';
import { scanAndPublish } from '../../lambda/scan/scan-and-publish';
import { scannerClients, seedClients } from '../../scripts/emulator/clients';
import { demoMutelist, seedDemoAccount } from '../../scripts/emulator/demo-account';
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS } from '../../scripts/emulator/moto';
import { buildApp } from '../infra/app-support';
import { type EventPattern, matchesPattern } from '../support/event-pattern';
import { useMoto } from '../support/moto-hooks';

const moto = useMoto({ resetEachTest: true });
const REGION = 'eu-west-1';
const NOW = new Date('2026-11-23T10:00:00Z');

let pattern: EventPattern;
beforeAll(() => {
  const { outdir } = buildApp({});
  const template = JSON.parse(readFileSync(join(outdir, 'EksPosture.template.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: { EventPattern?: EventPattern } }>;
  };
  const rules = Object.values(template.Resources).filter(
    (r) =>
      r.Type === 'AWS::Events::Rule' &&
      JSON.stringify(r.Properties.EventPattern ?? {}).includes('Security Hub Findings - Imported'),
  );
  expect(rules).toHaveLength(1);
  pattern = rules[0]?.Properties.EventPattern as EventPattern;
});

async function publish(mutelist?: string, at = NOW) {
  const { clients, apiCalls } = scannerClients(moto.endpoint);
  await scanAndPublish({
    targets: { accounts: [{ clients }], caller: clients, clientsOf: () => clients },
    publish: true,
    apiCalls,
    homeRegion: 'us-east-1',
    regions: [REGION],
    config: DEFAULT_SCAN_CONFIG,
    ...(mutelist ? { mutelist: parseMutelist(mutelist, 'demo mutelist', CHECK_IDS) } : {}),
    clock: () => at,
    rates: { readsPerSecond: 100, importsPerSecond: 100 },
  });
}

async function readBack(): Promise<AwsSecurityFinding[]> {
  const hub = new SecurityHubClient({
    region: REGION,
    endpoint: moto.endpoint,
    credentials: MOTO_CREDENTIALS,
  });
  const { Findings = [] } = await hub.send(new GetFindingsCommand({ MaxResults: 100 }));
  return Findings;
}

/**
 * The event Security Hub sends for an imported finding. moto 5.2.1 neither stores the Workflow sent
 * on import nor sets the one Security Hub gives every new finding (`NEW`): the copy read back has
 * none, so it is given `NEW` here, as Security Hub would. A muted finding thus meets the rule as an
 * untriaged one does, as in AWS: only its Muted field may keep it quiet.
 */
function importedEvent(stored: AwsSecurityFinding) {
  const finding = { ...stored, Workflow: stored.Workflow ?? { Status: 'NEW' } };
  return {
    version: '0',
    id: 'e6b3a2a1-0000-4000-8000-000000000000',
    'detail-type': 'Security Hub Findings - Imported',
    source: 'aws.securityhub',
    account: MOTO_ACCOUNT_ID,
    time: NOW.toISOString(),
    region: REGION,
    // The documented example names the finding by its product ARN and Id.
    resources: [`${finding.ProductArn}/${finding.Id}`],
    // As EventBridge gets it: JSON, so the SDK's Date and undefined members are gone.
    detail: { findings: [JSON.parse(JSON.stringify(finding))] },
  };
}

const alerts = (finding: AwsSecurityFinding) => matchesPattern(pattern, importedEvent(finding));
const named = (findings: AwsSecurityFinding[], check: string, resource: string) => {
  const found = findings.find(
    (f) => f.GeneratorId === `eks-posture/${check}` && f.Resources?.[0]?.Id?.endsWith(`/${resource}`),
  );
  if (!found) throw new Error(`no ${check} finding for ${resource}`);
  return found;
};

describe('Alert rule: Security Hub Findings - Imported', () => {
  it('alerts on a new unmuted FAILED HIGH of ours, never on a muted, passed, lower or foreign finding', async () => {
    // Prepare
    await seedDemoAccount(seedClients(moto.endpoint));
    await publish(demoMutelist(NOW));
    const hub = new SecurityHubClient({
      region: REGION,
      endpoint: moto.endpoint,
      credentials: MOTO_CREDENTIALS,
    });
    // Another product's finding, alike in all but who made it.
    const foreign = {
      ...named(await readBack(), 'secrets-encryption', 'ml-sandbox'),
      Id: 'another-product/finding-1',
      GeneratorId: 'aws-foundational-security-best-practices/v/1.0.0/EKS.1',
    };
    await hub.send(new BatchImportFindingsCommand({ Findings: [foreign] }));

    // Act
    const findings = await readBack();

    // Assess
    const unmutedHigh = named(findings, 'secrets-encryption', 'ml-sandbox');
    expect(unmutedHigh).toMatchObject({
      Compliance: { Status: 'FAILED' },
      FindingProviderFields: { Severity: { Label: 'HIGH' } },
      ProductFields: { [NEW_OR_WORSE_FIELD]: 'true' },
    });
    expect(unmutedHigh.ProductFields?.[MUTED_FIELD]).toBeUndefined();
    expect(alerts(unmutedHigh)).toBe(true);

    const mutedHigh = named(findings, 'endpoint-public-access', 'ml-sandbox');
    expect(mutedHigh).toMatchObject({
      Compliance: { Status: 'FAILED' },
      FindingProviderFields: { Severity: { Label: 'HIGH' } },
    });
    expect(mutedHigh.ProductFields?.[MUTED_FIELD]).toContain('Sandbox for notebooks');
    expect(alerts(mutedHigh)).toBe(false);
    // The rule's own condition, not only the mapper's NewOrWorse of false, keeps it quiet.
    const mutedMarkedNew = {
      ...mutedHigh,
      ProductFields: { ...mutedHigh.ProductFields, [NEW_OR_WORSE_FIELD]: 'true' },
    };
    expect(alerts(mutedMarkedNew)).toBe(false);
    // And that member alone: without it the same finding alerts.
    const withoutMuted = Object.fromEntries(
      Object.entries(mutedMarkedNew.ProductFields).filter(([field]) => field !== MUTED_FIELD),
    );
    expect(alerts({ ...mutedMarkedNew, ProductFields: withoutMuted })).toBe(true);

    const passed = named(findings, 'endpoint-public-access', 'edge-canary');
    expect(passed.Compliance?.Status).toBe('PASSED');
    expect(alerts(passed)).toBe(false);

    // New failures under the HIGH threshold: only their severity keeps them quiet.
    for (const [check, resource, label] of [
      ['irsa-trust-policy', 'web-eu-assets', 'LOW'],
      ['endpoint-public-access', 'web-eu', 'MEDIUM'],
    ] as const) {
      const lower = named(findings, check, resource);
      expect(lower).toMatchObject({
        Compliance: { Status: 'FAILED' },
        FindingProviderFields: { Severity: { Label: label } },
        ProductFields: { [NEW_OR_WORSE_FIELD]: 'true' },
      });
      expect(alerts(lower)).toBe(false);
    }

    const storedForeign = findings.find((f) => f.Id === foreign.Id);
    expect(storedForeign?.GeneratorId).toBe(foreign.GeneratorId);
    expect(alerts(storedForeign ?? foreign)).toBe(false);

    // Every unmuted new FAILED HIGH or CRITICAL of ours alerts, and nothing else does.
    const expected = findings.filter(
      (f) =>
        f.GeneratorId?.startsWith('eks-posture/') &&
        f.Compliance?.Status === 'FAILED' &&
        ['HIGH', 'CRITICAL'].includes(f.FindingProviderFields?.Severity?.Label ?? '') &&
        f.ProductFields?.[MUTED_FIELD] === undefined,
    );
    expect(expected.length).toBeGreaterThan(2);
    expect(findings.filter(alerts).map((f) => f.Id)).toEqual(expected.map((f) => f.Id));
  });

  it('alerts on the accepted risk once its entry is gone, and stays quiet for failures it already told', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));
    await publish(demoMutelist(NOW));
    await publish(undefined, new Date(NOW.getTime() + 86_400_000));

    const findings = await readBack();

    const sandbox = named(findings, 'endpoint-public-access', 'ml-sandbox');
    expect(sandbox.ProductFields?.[MUTED_FIELD]).toBeUndefined();
    expect(alerts(sandbox)).toBe(true);
    // Unchanged since the first run, so not even re-imported: no event at all, and its stored copy no longer news.
    expect(named(findings, 'secrets-encryption', 'web-eu').UpdatedAt).toBe(NOW.toISOString());
  });
});
