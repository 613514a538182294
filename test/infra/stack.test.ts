import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PUBLISH_OPERATIONS, SCAN_READ_OPERATIONS } from '../../lambda/collect/operations';
import { GENERATOR_PREFIX } from '../../lambda/model/finding-id';
import { EksPostureStack, type EksPostureStackProps } from '../../lib/eks-posture-stack';
import { buildApp, ORGANIZATION } from './app-support';

const single = buildApp({
  scanner: { alertEmail: 'security@example.com', regions: ['eu-west-1', 'us-east-1'] },
});
/** Templates read from the cloud assembly, so a failed synthesis fails only the checks that read them. */
const template = (synthesized: typeof single, stackName: string) =>
  Template.fromJSON(JSON.parse(readFileSync(join(synthesized.outdir, `${stackName}.template.json`), 'utf8')));
const singleTemplate = template(single, 'EksPosture');
const org = buildApp(
  {
    scanner: { organization: ORGANIZATION, minimumAlertSeverity: 'MEDIUM', schedule: 'rate(6 hours)' },
    memberOrganizationalUnitIds: ['ou-abcd-12345678'],
  },
  true,
);
const orgTemplate = template(org, 'EksPosture');
const memberTemplate = template(org, 'EksPostureMemberRole');
const fanned = buildApp({
  scanner: { organization: ORGANIZATION, fanOut: { maxConcurrency: 25, toleratedFailurePercentage: 5 } },
});
const fannedTemplate = template(fanned, 'EksPosture');

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

function statements(template: Template, type = 'AWS::IAM::Policy'): Statement[] {
  return Object.values(template.findResources(type)).flatMap(
    (r) => (r.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement ?? [],
  );
}

function actionsOf(list: Statement[]): string[] {
  return [...new Set(list.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])))].sort();
}

describe('Stack: EksPosture (single account)', () => {
  it('runs the scanner on nodejs22.x arm64, never twice at once, with JSON logs and a dead-letter queue', () => {
    singleTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: 1,
      MemorySize: 512,
      Timeout: 600,
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      DeadLetterConfig: { TargetArn: Match.anyValue() },
      Environment: {
        Variables: Match.objectLike({
          EKS_POSTURE_REGIONS: 'eu-west-1,us-east-1',
          EKS_POSTURE_PUBLISH: 'true',
          POWERTOOLS_SERVICE_NAME: 'eks-posture',
          POWERTOOLS_METRICS_NAMESPACE: 'EksPosture',
        }),
      },
    });
    singleTemplate.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('schedules the scan with EventBridge Scheduler, failures to the encrypted dead-letter queue', () => {
    singleTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 day)',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ScannerFunction'), 'Arn'] },
        DeadLetterConfig: {
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ScannerDeadLetterQueue'), 'Arn'] },
        },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      }),
    });
    singleTemplate.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
  });

  it('alerts on active FAILED findings of ours at or above HIGH that are new or worse, through a KMS-encrypted topic', () => {
    singleTemplate.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    singleTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'security@example.com',
    });
    singleTemplate.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.securityhub'],
        'detail-type': ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            GeneratorId: [{ prefix: GENERATOR_PREFIX }],
            Compliance: { Status: ['FAILED'] },
            RecordState: ['ACTIVE'],
            Workflow: { Status: ['NEW'] },
            FindingProviderFields: { Severity: { Label: ['HIGH', 'CRITICAL'] } },
            ProductFields: { 'eks-posture/NewOrWorse': ['true'], 'eks-posture/Muted': [{ exists: false }] },
          },
        },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('ScannerAlerts') } })],
    });
    singleTemplate.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('alarms on errors, staleness, import failures and failed targets, to the alert topic', () => {
    const alarms = Object.values(singleTemplate.findResources('AWS::CloudWatch::Alarm')).map(
      (a) =>
        a.Properties as {
          MetricName: string;
          AlarmActions: unknown[];
          TreatMissingData: string;
          EvaluationPeriods: number;
          Period: number;
        },
    );
    expect(alarms.map((a) => a.MetricName).sort()).toEqual([
      'Errors',
      'ImportFailures',
      'ScanSucceeded',
      'TargetsFailed',
    ]);
    expect(alarms.every((a) => a.AlarmActions.length === 1)).toBe(true);
    const stale = alarms.find((a) => a.MetricName === 'ScanSucceeded');
    expect(stale).toMatchObject({ TreatMissingData: 'breaching', EvaluationPeriods: 2, Period: 86_400 });
  });

  it('grants exactly the scan reads, Security Hub import and read-back, the event, logs, the queue and its key, and the invocation', () => {
    const granted = actionsOf(statements(singleTemplate));
    expect(granted).toEqual(
      [
        ...SCAN_READ_OPERATIONS,
        ...PUBLISH_OPERATIONS,
        'events:PutEvents',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:SendMessage',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'lambda:InvokeFunction',
      ].sort(),
    );
    expect(granted).not.toContain('sts:AssumeRole');
    // Policy documents are read for AWS-managed policies only.
    const policyReads = statements(singleTemplate).filter((s) => actionsOf([s]).includes('iam:GetPolicy'));
    expect(policyReads).toEqual([
      expect.objectContaining({
        Action: ['iam:GetPolicy', 'iam:GetPolicyVersion'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/*']] },
      }),
    ]);
  });

  it('grants no IAM action with a wildcard', () => {
    for (const template of [singleTemplate, orgTemplate, memberTemplate]) {
      const actions = actionsOf(statements(template));
      expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
    }
  });
});

describe('Stack: EksPosture (organization)', () => {
  it('may assume only the named member role, and list the organization accounts', () => {
    const list = statements(orgTemplate);
    const assume = list.filter((s) => actionsOf([s]).includes('sts:AssumeRole'));
    expect(assume).toHaveLength(1);
    expect(JSON.stringify(assume[0]?.Resource)).toContain(`:iam::*:role/${ORGANIZATION.memberRoleName}`);
    expect(actionsOf(list)).toContain('organizations:ListAccounts');
    orgTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ EKS_POSTURE_MEMBER_ROLE_NAME: ORGANIZATION.memberRoleName }),
      },
    });
    orgTemplate.hasResourceProperties('AWS::IAM::Role', { RoleName: 'eks-posture-scanner' });
  });

  it('alerts from the configured minimum severity and checks staleness over two schedule periods', () => {
    orgTemplate.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        detail: {
          findings: Match.objectLike({
            FindingProviderFields: { Severity: { Label: ['MEDIUM', 'HIGH', 'CRITICAL'] } },
          }),
        },
      }),
    });
    orgTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ScanSucceeded',
      Period: 21_600,
      EvaluationPeriods: 2,
    });
  });

  it('gives the StackSet a template that needs no CDK bootstrap and trusts the scanner account it is passed', () => {
    const stackSet = Object.values(orgTemplate.findResources('AWS::CloudFormation::StackSet'))[0]
      ?.Properties as {
      TemplateBody: string;
      Parameters: unknown;
    };
    expect(stackSet.Parameters).toEqual([
      { ParameterKey: 'ScannerAccountId', ParameterValue: { Ref: 'AWS::AccountId' } },
    ]);
    const body = Template.fromString(stackSet.TemplateBody);
    expect(Object.keys(body.toJSON().Parameters ?? {})).toEqual(['ScannerAccountId']);
    expect(body.toJSON().Rules).toBeUndefined();
    body.hasResourceProperties('AWS::IAM::Role', {
      RoleName: ORGANIZATION.memberRoleName,
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: {
              AWS: {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':iam::',
                    { Ref: 'ScannerAccountId' },
                    ':role/eks-posture-scanner',
                  ],
                ],
              },
            },
            Condition: { StringEquals: { 'sts:ExternalId': ORGANIZATION.externalId } },
          }),
        ],
      },
    });
  });

  it('deploys the member role to the organizational units with a service-managed StackSet, as a delegated administrator', () => {
    orgTemplate.hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      // The documented deployment is in the security tooling account, a delegated StackSets
      // administrator, from which AWS refuses CallAs SELF for a service-managed StackSet.
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [
        Match.objectLike({ DeploymentTargets: { OrganizationalUnitIds: ['ou-abcd-12345678'] } }),
      ],
    });
  });

  it('acts as SELF for the StackSet when deployed from the management account', () => {
    const stack = new EksPostureStack(new App(), 'EksPosture', {
      scanner: { organization: ORGANIZATION },
      memberOrganizationalUnitIds: ['ou-abcd-12345678'],
      stackSetCallAs: 'SELF',
    });

    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', { CallAs: 'SELF' });
  });

  it.each<[string, EksPostureStackProps, string]>([
    [
      'a stackSetCallAs that is neither SELF nor DELEGATED_ADMIN',
      {
        scanner: { organization: ORGANIZATION },
        memberOrganizationalUnitIds: ['ou-abcd-12345678'],
        stackSetCallAs: 'ADMIN' as 'SELF',
      },
      "props.stackSetCallAs: 'ADMIN' is not one of SELF, DELEGATED_ADMIN",
    ],
    [
      'a stackSetCallAs without a StackSet',
      { scanner: { organization: ORGANIZATION }, stackSetCallAs: 'SELF' },
      'props.stackSetCallAs applies only with memberOrganizationalUnitIds',
    ],
    [
      'organizational units without organization mode',
      { memberOrganizationalUnitIds: ['ou-abcd-12345678'] },
      'props.memberOrganizationalUnitIds is set without scanner.organization',
    ],
    [
      'what is not an organizational unit id',
      { scanner: { organization: ORGANIZATION }, memberOrganizationalUnitIds: ['ou-abcd-12345678', 'sales'] },
      "props.memberOrganizationalUnitIds: 'sales' is not an organizational unit id (ou-...) or root id (r-...)",
    ],
  ])('refuses %s, naming the prop', (_, props, message) => {
    expect(() => new EksPostureStack(new App(), 'EksPosture', props)).toThrow(message);
  });

  it('gives the member role read-only scan access and Security Hub import in its account, trusting only the scanner role with the external id', () => {
    memberTemplate.hasResourceProperties('AWS::IAM::Role', {
      RoleName: ORGANIZATION.memberRoleName,
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: {
              AWS: {
                'Fn::Join': [
                  '',
                  ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:role/eks-posture-scanner'],
                ],
              },
            },
            Condition: { StringEquals: { 'sts:ExternalId': ORGANIZATION.externalId } },
          },
        ],
      },
    });
    expect(actionsOf(statements(memberTemplate))).toEqual(
      [...SCAN_READ_OPERATIONS, ...PUBLISH_OPERATIONS].sort(),
    );
  });
});

describe('Stack: EksPosture (organization, fanned out over Step Functions)', () => {
  it('lists the accounts, then scans each in its own invocation through a Distributed Map', () => {
    const machines = Object.values(fannedTemplate.findResources('AWS::StepFunctions::StateMachine'));
    expect(machines).toHaveLength(1);
    const definition = JSON.stringify(machines[0]?.Properties?.DefinitionString);
    expect(definition).toContain('\\"Mode\\":\\"DISTRIBUTED\\"');
    expect(definition).toContain('\\"MaxConcurrency\\":25');
    expect(definition).toContain('\\"ToleratedFailurePercentage\\":5');
    expect(definition).toContain('list-accounts');
    expect(definition).toContain('scan-account');
    // Each account's invocation names the run (the parent execution); the run is counted once, at its end.
    expect(definition).toContain('\\"runId.$\\":\\"$$.Execution.Name\\"');
    expect(definition).toContain('run-completed');
    fannedTemplate.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });

  it('schedules the state machine and lets the function run as many scans as the map does', () => {
    fannedTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('ScannerFanOut') } }),
    });
    fannedTemplate.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 25 });
  });

  it('needs the interval of a cron schedule for the missing-scan alarm', () => {
    expect(() => buildApp({ scanner: { schedule: 'cron(0 3 ? * MON *)' } })).toThrow('give scheduleInterval');
    const weekly = template(
      buildApp({ scanner: { schedule: 'cron(0 3 ? * MON *)', scheduleInterval: Duration.days(7) } }),
      'EksPosture',
    );
    // Two weeks would exceed what CloudWatch evaluates: seven daily datapoints, all missing, raise it.
    weekly.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ScanSucceeded',
      Period: 86_400,
      EvaluationPeriods: 7,
    });
  });

  it('passes the allowed cluster administrators to the function, and refuses what is not an ARN pattern', () => {
    const allowed = template(
      buildApp({
        scanner: {
          allowedAdminPrincipals: ['arn:aws:iam::*:role/platform-admin', 'arn:aws:iam::*:role/break-glass-*'],
        },
      }),
      'EksPosture',
    );
    allowed.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          EKS_POSTURE_ALLOWED_ADMIN_PRINCIPALS:
            'arn:aws:iam::*:role/platform-admin,arn:aws:iam::*:role/break-glass-*',
        }),
      },
    });
    expect(() => buildApp({ scanner: { allowedAdminPrincipals: ['platform-admin'] } })).toThrow(
      "allowedAdminPrincipals: 'platform-admin' is not an IAM principal ARN pattern",
    );
  });

  it('refuses a fan-out without organization mode', () => {
    expect(() => buildApp({ scanner: { fanOut: {} } })).toThrow('fanOut needs organization');
  });
});

describe('Checks on the synthesized templates', () => {
  it('pass cdk-nag AwsSolutions with no unacknowledged finding', () => {
    for (const synthesized of [single, org, fanned]) {
      expect(synthesized.synthError?.message).toBeUndefined();
      const report = JSON.parse(
        readFileSync(join(synthesized.outdir, 'policy-validation-report.json'), 'utf8'),
      ) as {
        pluginReports: { summary: { status: string }; violations: unknown[] }[];
      };
      expect(report.pluginReports.flatMap((p) => p.violations)).toEqual([]);
      expect(report.pluginReports.every((p) => p.summary.status === 'success')).toBe(true);
    }
  });

  it('pass cfn-lint', () => {
    const templates = [single, org, fanned].flatMap((s) =>
      readdirSync(s.outdir)
        .filter((file) => file.endsWith('.template.json'))
        .map((file) => join(s.outdir, file)),
    );
    expect(templates).toHaveLength(4);
    // Throws with cfn-lint's findings when it exits non-zero.
    execFileSync('cfn-lint', templates, { encoding: 'utf8' });
  });

  it('match the snapshot, asset hashes aside', () => {
    const template = JSON.stringify(singleTemplate.toJSON(), null, 2).replace(
      /[0-9a-f]{64}(\.zip)?/g,
      '<asset-hash>',
    );
    expect(template).toMatchSnapshot();
  });
});
