import { describe, expect, it } from 'vitest';
import { controlPlaneLogging } from '../../../lambda/checks/control-plane-logging';
import type { LogSetup } from '../../../lambda/model/snapshot';
import { aCluster, aContext } from '../../support/factories';

const evaluate = (logging: LogSetup[], required?: string[]) =>
  controlPlaneLogging.evaluate(
    aCluster({ logging }),
    aContext(required ? { config: { requiredLogTypes: required } } : {}),
  );

describe('Check: control-plane-logging', () => {
  it('passes when every required type is enabled', () => {
    expect(evaluate([{ types: ['api', 'audit', 'authenticator'], enabled: true }])).toMatchObject({
      status: 'PASSED',
    });
  });

  it('reads every entry, enabled ones and disabled ones', () => {
    const outcome = evaluate([
      { types: ['controllerManager', 'scheduler'], enabled: false },
      { types: ['api', 'audit'], enabled: true },
      { types: ['authenticator'], enabled: true },
    ]);
    expect(outcome).toMatchObject({ status: 'PASSED' });
  });

  it('fails MEDIUM and lists the missing types', () => {
    const outcome = evaluate([
      { types: ['api'], enabled: true },
      { types: ['audit', 'authenticator'], enabled: false },
    ]);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain('audit, authenticator');
  });

  it('uses the configured required types', () => {
    const logging = [{ types: ['api', 'audit', 'authenticator'], enabled: true }];
    expect(evaluate(logging, ['scheduler'])).toMatchObject({ status: 'FAILED' });
    expect(evaluate(logging, ['audit'])).toMatchObject({ status: 'PASSED' });
  });

  it('counts a type listed both enabled and disabled as missing', () => {
    const outcome = evaluate([
      { types: ['api', 'audit', 'authenticator'], enabled: true },
      { types: ['audit'], enabled: false },
    ]);
    expect(outcome).toMatchObject({ status: 'FAILED' });
    expect(outcome.detail).toContain('audit listed as both enabled and disabled');
  });

  it('fails when logging has no entries at all', () => {
    expect(evaluate([])).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
  });

  it('is not available when DescribeCluster returned no logging settings', () => {
    const { logging: _, ...cluster } = aCluster();
    expect(controlPlaneLogging.evaluate(cluster, aContext())).toMatchObject({ status: 'NOT_AVAILABLE' });
  });
});
