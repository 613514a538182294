import { describe, expect, it } from 'vitest';
import { endpointPublicAccess } from '../../../lambda/checks/endpoint-public-access';
import { aCluster, aContext } from '../../support/factories';

const evaluate = (endpointAccess: Parameters<typeof aCluster>[0]) =>
  endpointPublicAccess.evaluate(aCluster(endpointAccess), aContext());

describe('Check: endpoint-public-access', () => {
  it('passes a private-only endpoint', () => {
    const outcome = evaluate({
      endpointAccess: { publicAccess: false, privateAccess: true, publicAccessCidrs: [] },
    });
    expect(outcome).toMatchObject({ status: 'PASSED', severity: 'INFORMATIONAL' });
  });

  it('fails HIGH when the public endpoint admits 0.0.0.0/0', () => {
    const outcome = evaluate({
      endpointAccess: { publicAccess: true, privateAccess: true, publicAccessCidrs: ['0.0.0.0/0'] },
    });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain('every IPv4 address');
  });

  it('judges addresses, not spelling: two /1 halves are the whole internet', () => {
    const outcome = evaluate({
      endpointAccess: {
        publicAccess: true,
        privateAccess: true,
        publicAccessCidrs: ['128.0.0.0/1', '0.0.0.0/1'],
      },
    });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
  });

  it('fails HIGH when ::/0 is allowed', () => {
    const outcome = evaluate({
      endpointAccess: { publicAccess: true, privateAccess: true, publicAccessCidrs: ['::/0'] },
    });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain('every IPv6 address');
  });

  it('fails MEDIUM for a restricted public endpoint and lists the CIDRs', () => {
    const outcome = evaluate({
      endpointAccess: {
        publicAccess: true,
        privateAccess: true,
        publicAccessCidrs: ['203.0.113.0/24', '0.0.0.0/1'],
      },
    });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain('203.0.113.0/24, 0.0.0.0/1');
    expect(outcome.detail).not.toContain('Private access is off');
  });

  it('says so when the endpoint is public-only', () => {
    const outcome = evaluate({
      endpointAccess: { publicAccess: true, privateAccess: false, publicAccessCidrs: ['203.0.113.0/24'] },
    });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain('Private access is off');
  });

  it('treats a public endpoint with no CIDRs returned as open, since EKS defaults to 0.0.0.0/0', () => {
    const outcome = evaluate({ endpointAccess: { publicAccess: true, privateAccess: true } });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
  });

  it('names unreadable CIDR entries and still fails the public endpoint', () => {
    const outcome = evaluate({
      endpointAccess: {
        publicAccess: true,
        privateAccess: true,
        publicAccessCidrs: ['10.0.0.0/33', 'banana'],
      },
    });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain("'banana' is not a CIDR block");
  });

  it.each([
    [['::/1', '8000::/1'], 'every IPv6 address'],
    [['0.0.0.0/2', '128.0.0.0/1', '64.0.0.0/2'], 'every IPv4 address'],
  ])('judges the union of %j, however split: %s', (publicAccessCidrs, text) => {
    const outcome = evaluate({
      endpointAccess: { publicAccess: true, privateAccess: true, publicAccessCidrs },
    });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain(text);
  });

  it('fails MEDIUM when the blocks leave one address out', () => {
    const outcome = evaluate({
      endpointAccess: {
        publicAccess: true,
        privateAccess: true,
        publicAccessCidrs: ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3', '224.0.0.0/4', '240.0.0.0/5'],
      },
    });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
  });

  it('is not available when DescribeCluster returned no endpoint settings', () => {
    const { endpointAccess: _, ...cluster } = aCluster();
    expect(endpointPublicAccess.evaluate(cluster, aContext())).toMatchObject({ status: 'NOT_AVAILABLE' });
  });
});
