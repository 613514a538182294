import { describe, expect, it } from 'vitest';
import { nodegroupRemoteAccess } from '../../../lambda/checks/nodegroup-remote-access';
import type { NodegroupSnapshot } from '../../../lambda/model/snapshot';
import { aContext, aNodegroup } from '../../support/factories';

const evaluate = (overrides: Partial<NodegroupSnapshot>) =>
  nodegroupRemoteAccess.evaluate(aNodegroup(overrides), aContext());

describe('Check: nodegroup-remote-access', () => {
  it('passes a node group with no remote access configured', () => {
    const outcome = evaluate({});
    expect(outcome).toMatchObject({ status: 'PASSED', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain('No SSH key');
    expect(outcome.detail).not.toContain('launch template');
  });

  it('passes remote access settings that hold no SSH key', () => {
    expect(evaluate({ remoteAccess: { sourceSecurityGroups: ['sg-0123456789abcdef0'] } })).toMatchObject({
      status: 'PASSED',
    });
  });

  it('says a launch template keeps its key pair where the check does not look', () => {
    const outcome = evaluate({ launchTemplate: 'lt-0abc123def4567890' });
    expect(outcome).toMatchObject({ status: 'PASSED' });
    expect(outcome.detail).toContain('launch template lt-0abc123def4567890');
    expect(outcome.detail).toContain('not read');
  });

  it('fails HIGH when an SSH key is set with no source security groups, since port 22 is then open to 0.0.0.0/0', () => {
    const outcome = evaluate({ remoteAccess: { ec2SshKey: 'ops-key', sourceSecurityGroups: [] } });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain("'ops-key'");
    expect(outcome.detail).toContain('0.0.0.0/0');
  });

  it('fails MEDIUM when an SSH key is limited to source security groups, naming them', () => {
    const outcome = evaluate({
      remoteAccess: { ec2SshKey: 'ops-key', sourceSecurityGroups: ['sg-0aaa1111', 'sg-0bbb2222'] },
    });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain("'ops-key'");
    expect(outcome.detail).toContain('sg-0aaa1111, sg-0bbb2222');
    expect(outcome.detail).not.toContain('0.0.0.0/0');
  });

  it('judges the remoteAccess key even when a launch template is also named', () => {
    const outcome = evaluate({
      launchTemplate: 'lt-0abc123def4567890',
      remoteAccess: { ec2SshKey: 'ops-key', sourceSecurityGroups: [] },
    });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
  });
});

describe('Check: nodegroup-remote-access on Windows nodes', () => {
  it('names RDP and port 3389, which EKS opens on Windows nodes instead of 22', () => {
    const outcome = evaluate({
      amiType: 'WINDOWS_CORE_2022_x86_64',
      remoteAccess: { ec2SshKey: 'ops', sourceSecurityGroups: [] },
    });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.severity).toBe('HIGH');
    expect(outcome.detail).toContain('port 3389 (RDP)');
    expect(outcome.detail).not.toContain('port 22');
  });
});
