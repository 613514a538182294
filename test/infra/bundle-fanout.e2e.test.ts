/**
 * The bundled function in organization fan-out mode, as the state machine drives it: list the
 * accounts, then scan one account per invocation, against an organization in moto.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createOrganizationWithMember } from '../../scripts/emulator/clients';
import { MOTO_ACCOUNT_ID } from '../../scripts/emulator/moto';
import { useMoto } from '../support/moto-hooks';
import { buildApp, deployedFunction, loadBundledHandler } from './app-support';

const moto = useMoto();

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
    expect(existsSync(deployedFunction(synthesized.outdir).entry)).toBe(true);
    const member = await createOrganizationWithMember(moto.endpoint);
    const handler = await loadBundledHandler(synthesized.outdir, moto.endpoint, {
      EKS_POSTURE_EMIT_SCAN_EVENT: 'false',
    });

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
