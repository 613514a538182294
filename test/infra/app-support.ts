/** Synthesizing the CDK app for tests, the way `cdk synth` does, with cdk-nag's AwsSolutions pack. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EksPostureStack, type EksPostureStackProps } from '../../lib/eks-posture-stack';
import { EksPostureMemberRoleStack } from '../../lib/member-role';
import { motoEnvironment } from '../../scripts/emulator/moto';

export const ORGANIZATION = { memberRoleName: 'eks-posture-member', externalId: 'b6f1c2d9-posture' } as const;

export interface Synthesized {
  readonly app: App;
  /** What synthesis threw: cdk-nag violations make it fail. */
  readonly synthError?: Error;
  readonly stack: EksPostureStack;
  readonly member?: EksPostureMemberRoleStack;
  readonly outdir: string;
}

export function buildApp(props: EksPostureStackProps = {}, withMember = false): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'eks-posture-cdk-'));
  const app = new App({ outdir, context: { '@aws-cdk/core:validationReportJson': true } });
  const stack = new EksPostureStack(app, 'EksPosture', props);
  const member = withMember
    ? new EksPostureMemberRoleStack(app, 'EksPostureMemberRole', {
        scannerAccountId: '111122223333',
        roleName: ORGANIZATION.memberRoleName,
        externalId: ORGANIZATION.externalId,
      })
    : undefined;
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let synthError: Error | undefined;
  try {
    app.synth();
  } catch (error) {
    synthError = error as Error;
  }
  return { app, stack, ...(member ? { member } : {}), outdir, ...(synthError ? { synthError } : {}) };
}

interface FunctionResource {
  readonly Type: string;
  readonly Properties: {
    readonly Handler: string;
    readonly Code: { readonly S3Key: string };
    readonly Environment: { readonly Variables: Record<string, string> };
  };
}

/** The scanner function's bundled entry file and environment, as the template and asset manifest give them. */
export function deployedFunction(outdir: string): {
  entry: string;
  exported: string;
  environment: Record<string, string>;
} {
  const template = JSON.parse(readFileSync(join(outdir, 'EksPosture.template.json'), 'utf8')) as {
    Resources: Record<string, FunctionResource>;
  };
  const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
  if (!fn) throw new Error('the template has no function');
  const manifest = JSON.parse(readFileSync(join(outdir, 'EksPosture.assets.json'), 'utf8')) as {
    files: Record<string, { source: { path: string } }>;
  };
  const asset = manifest.files[fn.Properties.Code.S3Key.replace(/\.zip$/, '')];
  if (!asset) throw new Error(`no asset for ${fn.Properties.Code.S3Key}`);
  const [file, exported] = fn.Properties.Handler.split('.') as [string, string];
  return {
    entry: join(outdir, asset.source.path, `${file}.mjs`),
    exported,
    environment: fn.Properties.Environment.Variables,
  };
}

export type BundledHandler = (event: unknown) => Promise<unknown>;

/**
 * Loads the synthesized function's bundle the way Lambda does: the template's environment first
 * (the handler validates it when the module loads), pointed at the emulator, then the exported
 * handler. Once per test file: a module loads once per process.
 */
export async function loadBundledHandler(
  outdir: string,
  endpoint: string,
  extra: Record<string, string> = {},
): Promise<BundledHandler> {
  const { entry, exported, environment } = deployedFunction(outdir);
  Object.assign(
    process.env,
    environment,
    motoEnvironment(endpoint, {
      AWS_REGION: 'us-east-1',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...extra,
    }),
  );
  const module = (await import(pathToFileURL(entry).href)) as Record<string, BundledHandler | undefined>;
  const handler = module[exported];
  if (!handler) throw new Error(`the bundle exports no ${exported}`);
  return handler;
}
