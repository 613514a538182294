/**
 * The scan settings a deployment gives (checks, refresh interval, mutelist): validated at synth by
 * the schema the CLI and the function use, handed to the function in its environment, and read
 * back by the function into the same settings; the mutelist's parameter is the only one it may read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV, parseLambdaEnvironment } from '../../lambda/scan/config';
import { resolveSettings } from '../../lib/scanner-settings';
import { buildApp, deployedFunction } from './app-support';

const MUTELIST = [
  {
    checks: ['endpoint-public-access'],
    resources: ['arn:aws:eks:*:*:cluster/ci-*'],
    reason: 'CI runners reach the API from outside the VPC (SEC-42)',
    expires: '2027-03-31',
  },
];

interface Template {
  Resources: Record<
    string,
    {
      Type: string;
      Properties: {
        Type?: string;
        Value?: string;
        PolicyDocument?: { Statement: { Sid?: string; Action: string | string[]; Resource: unknown }[] };
      };
    }
  >;
}

function template(outdir: string): Template {
  return JSON.parse(readFileSync(join(outdir, 'EksPosture.template.json'), 'utf8')) as Template;
}

function statements(t: Template) {
  return Object.values(t.Resources).flatMap((r) => r.Properties.PolicyDocument?.Statement ?? []);
}

describe('Scan settings of a deployment', () => {
  it('refuses bad checks, refresh interval and mutelist entries at synth, naming the prop', () => {
    expect(() => resolveSettings({ checks: ['endpoint-public'] })).toThrow(
      "props.checks: unknown check 'endpoint-public' (known: endpoint-public-access,",
    );
    expect(() =>
      resolveSettings({ checks: ['endpoint-public-access'], skipChecks: ['endpoint-public-access'] }),
    ).toThrow('props.skipChecks leaves no check to run');
    expect(() => resolveSettings({ refreshUnchangedDays: 90 })).toThrow(
      "props.refreshUnchangedDays: '90' is not a whole number of days between 1 and 60",
    );
    expect(() => resolveSettings({ mutelist: [{ checks: ['*'], reason: '' }] })).toThrow(
      'props.mutelist: entry 1: reason: must not be empty',
    );
    expect(() =>
      resolveSettings({ mutelist: MUTELIST, mutelistParameterName: '/security/mutelist' }),
    ).toThrow('props.mutelistParameterName and mutelist both give a mutelist: give one');
    expect(() => resolveSettings({ mutelistParameterName: 'bad name!' })).toThrow(
      "props.mutelistParameterName: 'bad name!' is not an SSM parameter name or ARN",
    );
  });

  it('keeps the mutelist in its own parameter, which the function alone may read, and reads back the same settings', () => {
    // Act
    const { outdir, synthError } = buildApp({
      scanner: {
        checks: ['endpoint-public-access', 'supported-version'],
        refreshUnchangedDays: 14,
        mutelist: MUTELIST,
      },
    });

    // Assess
    expect(synthError).toBeUndefined();
    const t = template(outdir);
    const parameters = Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::SSM::Parameter');
    expect(parameters).toHaveLength(1);
    const [[logicalId, parameter]] = parameters as [[string, (typeof parameters)[number][1]]];
    expect(JSON.parse(parameter.Properties.Value ?? '')).toEqual({ mutelist: MUTELIST });
    const reads = statements(t).filter((s) => [s.Action].flat().some((a) => a.startsWith('ssm:')));
    expect(reads).toHaveLength(1);
    expect(reads[0]?.Action).toBe('ssm:GetParameter');
    expect(JSON.stringify(reads[0]?.Resource)).toContain(logicalId);

    const { environment } = deployedFunction(outdir);
    expect(environment[ENV.mutelistParameter]).toEqual({ Ref: logicalId });
    const config = parseLambdaEnvironment({
      ...environment,
      [ENV.mutelistParameter]: 'eks-posture-mutelist',
    });
    expect(config.checks.map((c) => c.metadata.id)).toEqual(['endpoint-public-access', 'supported-version']);
    expect(config.refreshUnchangedDays).toBe(14);
  });

  it('grants a named parameter by its ARN in the stack account and region', () => {
    const { outdir, synthError } = buildApp({ scanner: { mutelistParameterName: '/security/eks-mutelist' } });
    expect(synthError).toBeUndefined();
    const t = template(outdir);
    expect(Object.values(t.Resources).some((r) => r.Type === 'AWS::SSM::Parameter')).toBe(false);
    const [read] = statements(t).filter((s) => s.Action === 'ssm:GetParameter');
    expect(JSON.stringify(read?.Resource)).toMatch(/:ssm:.*:parameter\/security\/eks-mutelist/);
    expect(deployedFunction(outdir).environment[ENV.mutelistParameter]).toBe('/security/eks-mutelist');
  });

  it('gives the function no parameter to read without a mutelist', () => {
    const { outdir } = buildApp({});
    expect(
      statements(template(outdir)).some((s) => [s.Action].flat().some((a) => a.startsWith('ssm:'))),
    ).toBe(false);
  });

  it("hands an aggregator to the function, which may read only that account region's aggregators", () => {
    expect(() => resolveSettings({ discovery: 'config:' })).toThrow(
      "props.discovery: '' is not an AWS Config aggregator name",
    );
    expect(() => resolveSettings({ discovery: 'config:org-eks' })).toThrow(
      'props.discovery: an aggregator applies only in organization mode',
    );
    const { outdir, synthError } = buildApp({
      scanner: {
        organization: { memberRoleName: 'EksPostureMember' },
        discovery: 'config:org-eks@eu-west-1',
      },
    });
    expect(synthError).toBeUndefined();
    const { environment } = deployedFunction(outdir);
    expect(environment[ENV.discovery]).toBe('config:org-eks@eu-west-1');
    expect(parseLambdaEnvironment(environment).discovery).toEqual({
      kind: 'config',
      aggregator: 'org-eks',
      region: 'eu-west-1',
    });
    const granted = statements(template(outdir)).filter((st) =>
      [st.Action].flat().some((a) => a.startsWith('config:')),
    );
    expect(granted.map((st) => [st.Action].flat().sort())).toEqual([
      ['config:DescribeConfigurationAggregators'],
      ['config:DescribeConfigurationAggregatorSourcesStatus', 'config:SelectAggregateResourceConfig'],
    ]);
    expect(JSON.stringify(granted[1]?.Resource)).toMatch(/:config:eu-west-1:.*:config-aggregator\/\*/);
    // Without discovery the role reads no aggregator.
    expect(
      statements(template(buildApp({}).outdir)).some((st) =>
        [st.Action].flat().some((a) => a.startsWith('config:')),
      ),
    ).toBe(false);
  });
});
