import { describe, expect, it } from 'vitest';
import { networkPolicyEnforcement } from '../../../lambda/checks/network-policy-enforcement';
import type { AddonSnapshot, ClusterSnapshot, Listed } from '../../../lambda/model/snapshot';
import { ACCOUNT, aCluster, aContext, REGION } from '../../support/factories';

function anAddon(name: string, configurationValues?: string): AddonSnapshot {
  return {
    accountId: ACCOUNT,
    region: REGION,
    clusterName: 'prod',
    clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod`,
    name,
    arn: `arn:aws:eks:${REGION}:${ACCOUNT}:addon/prod/${name}/a2c9d1e0-1b2c-3d4e-5f60-718293a4b5c6`,
    version: 'v1.19.2-eksbuild.1',
    status: 'ACTIVE',
    healthIssues: [],
    ...(configurationValues === undefined ? {} : { configurationValues }),
    offer: { known: false, reason: 'not read' },
  };
}

const described = (addon: AddonSnapshot): Listed<AddonSnapshot> => ({
  name: addon.name,
  description: { known: true, value: addon },
});

/** A cluster whose add-ons are coredns and a vpc-cni with these configuration values. */
function clusterWithCni(configurationValues?: string): ClusterSnapshot {
  return aCluster({
    addons: {
      known: true,
      value: [described(anAddon('coredns')), described(anAddon('vpc-cni', configurationValues))],
    },
  });
}

const evaluate = (cluster: ClusterSnapshot) => networkPolicyEnforcement.evaluate(cluster, aContext());

describe('Check: network-policy-enforcement', () => {
  it.each([
    ['JSON with the string the schema types', '{"enableNetworkPolicy":"true"}'],
    ['JSON with a boolean', '{"enableNetworkPolicy": true}'],
    [
      'YAML with a quoted string',
      'enableNetworkPolicy: "true"\nnodeAgent:\n  enablePolicyEventLogs: "true"\n',
    ],
    ['YAML with a bare boolean', 'enableNetworkPolicy: true'],
    ['a string in another case', '{"enableNetworkPolicy":"TRUE"}'],
  ])('passes %s', (_, values) => {
    const outcome = evaluate(clusterWithCni(values));
    expect(outcome).toMatchObject({ status: 'PASSED', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain('enableNetworkPolicy is true');
  });

  it.each([
    ['set to the string "false"', '{"enableNetworkPolicy":"false"}', "enableNetworkPolicy is 'false'"],
    ['set to the boolean false', 'enableNetworkPolicy: false', "enableNetworkPolicy is 'false'"],
    ['set to an odd value', '{"enableNetworkPolicy":"yes"}', "enableNetworkPolicy is 'yes'"],
    ['set to a mapping', '{"enableNetworkPolicy":{"on":true}}', 'enableNetworkPolicy is a mapping'],
    ['not set', '{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}', 'do not set enableNetworkPolicy'],
    ['an empty document', '', 'no configuration values'],
    ['only a comment', '# nothing yet\n', 'no configuration values'],
  ])('fails LOW when enableNetworkPolicy is %s', (_, values, mention) => {
    const outcome = evaluate(clusterWithCni(values));
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain('Kubernetes NetworkPolicies are not enforced by the VPC CNI');
    expect(outcome.detail).toContain(mention);
    expect(outcome.detail).toContain('Calico or Cilium');
  });

  it('fails LOW when the vpc-cni add-on has no configuration values', () => {
    const outcome = evaluate(clusterWithCni());
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain('no configuration values');
  });

  it('reads the key exactly as the schema names it', () => {
    expect(evaluate(clusterWithCni('{"enablenetworkpolicy":"true"}'))).toMatchObject({
      status: 'FAILED',
      severity: 'LOW',
    });
  });

  it('is not available when the add-ons could not be listed, giving the reason', () => {
    const outcome = evaluate(
      aCluster({ addons: { known: false, reason: 'ListAddons was denied (AccessDeniedException)' } }),
    );
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain('ListAddons was denied (AccessDeniedException).');
  });

  it('is not available with no managed vpc-cni add-on', () => {
    const outcome = evaluate(aCluster({ addons: { known: true, value: [described(anAddon('coredns'))] } }));
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('self-managed CNI cannot be judged from AWS APIs');
    const none = evaluate(aCluster({ addons: { known: true, value: [] } }));
    expect(none).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(none.detail).toContain('No managed vpc-cni add-on is listed');
  });

  it('is not available when the vpc-cni add-on could not be described, giving the reason', () => {
    const outcome = evaluate(
      aCluster({
        addons: {
          known: true,
          value: [{ name: 'vpc-cni', description: { known: false, reason: 'DescribeAddon timed out' } }],
        },
      }),
    );
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('DescribeAddon timed out.');
  });

  it.each([
    ['an unclosed JSON string', '{"enableNetworkPolicy":"true","token":"s3cr3t-value', 'line 1'],
    ['duplicate keys', 'enableNetworkPolicy: "true"\nenableNetworkPolicy: "false"\n', 'unique'],
    ['several documents', 'enableNetworkPolicy: "true"\n---\npassword: hunter2\n', 'multiple documents'],
    ['an unresolved alias', '*s3cr3t', 'not valid YAML'],
  ])('is not available when the values do not parse (%s), without echoing them', (_, values, mention) => {
    const outcome = evaluate(clusterWithCni(values));
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain('cannot be read');
    expect(outcome.detail).toContain(mention);
    expect(outcome.detail).not.toContain('hunter2');
    expect(outcome.detail).not.toContain('s3cr3t-value');
  });

  it('names the line of a parse error further down', () => {
    const outcome = evaluate(clusterWithCni('env:\n  A: "1"\nenv: {}\nenableNetworkPolicy: "true"\n'));
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('line 3');
  });

  it.each([
    ['a list', '["enableNetworkPolicy"]', 'a list, not a mapping'],
    ['a scalar', 'enableNetworkPolicy', 'a string, not a mapping'],
    ['a number', '42', 'a number, not a mapping'],
  ])('is not available when the values are %s', (_, values, mention) => {
    const outcome = evaluate(clusterWithCni(values));
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain(mention);
  });

  it('gives the remediation command and documentation', () => {
    const { remediation, references, severities } = networkPolicyEnforcement.metadata;
    expect(remediation.text).toContain(
      'aws eks update-addon --cluster-name <cluster> --addon-name vpc-cni --configuration-values \'{"enableNetworkPolicy":"true"}\'',
    );
    expect(remediation.url).toBe(
      'https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html',
    );
    expect(references).toContain('https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html');
    expect(references).toContain(
      'https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html',
    );
    expect(severities).toEqual(['LOW']);
  });
});
