/**
 * Security of the scanner's own output: at the default log level, no credential, session token or
 * trust document reaches the logs of the Lambda handler.
 */

import { describe, expect, it, vi } from 'vitest';
import { seedClients } from '../../scripts/emulator/clients';
import { seedDemoAccount } from '../../scripts/emulator/demo-account';
import { useMoto } from '../support/moto-hooks';

const SECRET = 's3cr3t-EKS-POSTURE-must-not-be-logged';
const TOKEN = 'T0KEN-EKS-POSTURE-must-not-be-logged';

const moto = useMoto();

describe('Logs of the scanner', () => {
  it('hold no credential, session token or trust document at the default level', {
    timeout: 120_000,
  }, async () => {
    await seedDemoAccount(seedClients(moto.endpoint));
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIAEKSPOSTURETEST01',
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_SESSION_TOKEN: TOKEN,
      EKS_POSTURE_REGIONS: 'eu-west-1,us-east-1',
      POWERTOOLS_SERVICE_NAME: 'eks-posture',
      POWERTOOLS_METRICS_NAMESPACE: 'EksPosture',
    });
    delete process.env.POWERTOOLS_LOG_LEVEL;
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    try {
      const { handler } = await import('../../lambda/handler');
      await handler({ 'detail-type': 'Scheduled Event' });
    } finally {
      out.mockRestore();
      err.mockRestore();
    }

    const logs = written.join('');
    expect(logs).toContain('scan completed');
    for (const secret of [SECRET, TOKEN, 'AKIAEKSPOSTURETEST01']) expect(logs).not.toContain(secret);
    // Trust documents (raw or URL-encoded) stay out too.
    for (const fragment of [
      '"Statement"',
      'AssumeRoleWithWebIdentity',
      '%22Statement%22',
      'system:serviceaccount:',
    ]) {
      expect(logs).not.toContain(fragment);
    }
  });
});
