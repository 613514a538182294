/**
 * The bundled function in organization fan-out mode, as the state machine drives it: list the
 * accounts, then scan one account per invocation, against an organization in moto.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, type Moto, startMoto } from '../support/moto';
import { buildApp, deployedFunction } from './app-support';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

describe('Bundle: fan-out invocations', () => {
  it('lists the organization accounts, then scans the one account each invocation names', async () => {
    const synthesized = buildApp({
      scanner: {
        regions: ['eu-west-1'],
        organization: { memberRoleName: 'OrganizationAccountAccessRole' },
        fanOut: { maxConcurrency: 5 },
      },
    });
    expect(synthesized.synthError).toBeUndefined();
    const { entry, exported, environment } = deployedFunction(synthesized.outdir);
    expect(existsSync(entry)).toBe(true);
    const organizations = new OrganizationsClient({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      credentials: MOTO_CREDENTIALS,
    });
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const member = (
      await organizations.send(new CreateAccountCommand({ AccountName: 'm', Email: 'm@example.com' }))
    ).CreateAccountStatus?.AccountId;
    Object.assign(process.env, environment, {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
      EKS_POSTURE_EMIT_SCAN_EVENT: 'false',
    });
    const module = (await import(pathToFileURL(entry).href)) as Record<
      string,
      (event: unknown) => Promise<unknown>
    >;
    const handler = module[exported];
    if (!handler) throw new Error(`the bundle exports no ${exported}`);

    const listed = await handler({ eksPosture: { action: 'list-accounts' } });
    const scanned = await handler({ eksPosture: { action: 'scan-account', accountId: member } });

    expect(listed).toEqual({
      accounts: [MOTO_ACCOUNT_ID, member].sort().map((accountId) => ({ accountId })),
    });
    expect(scanned).toMatchObject({ targets: 2, failedTargets: [], published: { complete: true } });
    await expect(
      handler({ eksPosture: { action: 'scan-account', accountId: 'not-an-account' } }),
    ).rejects.toThrow("eksPosture.accountId: 'not-an-account' is not a 12-digit AWS account id");
  });
});
