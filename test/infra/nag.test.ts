/**
 * cdk-nag acknowledgements hold wherever the scanner is placed: they name resources by construct,
 * and logical ids and account, region and partition as computed for that stack, never written down.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { EksPostureScanner, type EksPostureScannerProps } from '../../lib/eks-posture-scanner';
import { ORGANIZATION } from './app-support';

interface ValidationReport {
  readonly pluginReports: readonly {
    readonly violations: readonly {
      readonly ruleName: string;
      readonly severity?: string;
      readonly violatingResources: readonly { readonly constructPath?: string }[];
    }[];
  }[];
}

/**
 * Synthesizes a stack with AwsSolutions as a validation plugin, the way the app runs it, and gives
 * every finding left unacknowledged (the plugin reports only those; synthesis fails on any).
 */
function nagFindings(place: (stack: Stack) => void, stackProps: StackProps = {}): string[] {
  const outdir = mkdtempSync(join(tmpdir(), 'eks-posture-nag-'));
  const app = new App({
    outdir,
    context: { '@aws-cdk/core:validationReportJson': true, '@aws-cdk/core:enablePartitionLiterals': true },
  });
  place(new Stack(app, 'EksPosture', stackProps));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch {
    // The report says why.
  }
  const report = JSON.parse(
    readFileSync(join(outdir, 'policy-validation-report.json'), 'utf8'),
  ) as ValidationReport;
  return report.pluginReports.flatMap((p) =>
    p.violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.severity ?? 'error'} ${v.ruleName} at ${r.constructPath}`),
    ),
  );
}

const CONFIGURATIONS: readonly (readonly [string, EksPostureScannerProps])[] = [
  ['one account', { alertEmail: 'security@example.com' }],
  ['an organization', { organization: ORGANIZATION }],
  ['an organization fanned out', { organization: ORGANIZATION, fanOut: { maxConcurrency: 5 } }],
];

describe('cdk-nag: AwsSolutions on the scanner', () => {
  it.each(CONFIGURATIONS)('finds nothing unacknowledged inside a nested construct (%s)', (_, props) => {
    // Act
    const findings = nagFindings((stack) => {
      new EksPostureScanner(new Construct(stack, 'Nested'), 'Scanner', props);
    });

    // Assess
    expect(findings).toEqual([]);
  });

  it.each(CONFIGURATIONS)(
    'finds nothing unacknowledged in a stack with a fixed account and region (%s)',
    (_, props) => {
      // Act: the template then holds the account, region and partition as literals, not pseudo parameters.
      const findings = nagFindings(
        (stack) => {
          new EksPostureScanner(stack, 'Scanner', props);
        },
        { env: { account: '111122223333', region: 'eu-west-1' } },
      );

      // Assess
      expect(findings).toEqual([]);
    },
  );

  it('reports what is not acknowledged, so an empty result means something', () => {
    // Act
    const findings = nagFindings((stack) => {
      new EksPostureScanner(new Construct(stack, 'Nested'), 'Scanner', {});
      new sqs.Queue(stack, 'Unacknowledged');
    });

    // Assess
    expect(findings).toContain('error AwsSolutions-SQS3 at EksPosture/Unacknowledged/Resource');
  });
});
