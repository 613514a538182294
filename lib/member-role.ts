import {
  App,
  CfnParameter,
  CfnStackSet,
  DefaultStackSynthesizer,
  type IStackSynthesizer,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { grantScanAndPublish } from './permissions';

export interface EksPostureMemberRoleProps {
  /** Account of the scanner stack. */
  readonly scannerAccountId: string;
  /**
   * Name of the scanner stack's role, the only principal the member role trusts.
   * @default 'eks-posture-scanner'
   */
  readonly scannerRoleName?: string;
  /**
   * Name of the role in the member account.
   * @default 'eks-posture-member'
   */
  readonly roleName?: string;
  /**
   * External id the scanner must present.
   * @default - none
   */
  readonly externalId?: string;
}

export const DEFAULT_SCANNER_ROLE_NAME = 'eks-posture-scanner';
export const DEFAULT_MEMBER_ROLE_NAME = 'eks-posture-member';

/**
 * The role the scanner assumes in a member account: the scan's read calls, and Security Hub
 * import and read-back in that account only (the default product ARN takes findings only from
 * the account they belong to).
 */
export class EksPostureMemberRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: EksPostureMemberRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const scannerRole = `arn:${stack.partition}:iam::${props.scannerAccountId}:role/${props.scannerRoleName ?? DEFAULT_SCANNER_ROLE_NAME}`;
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName ?? DEFAULT_MEMBER_ROLE_NAME,
      description: 'Lets the eks-posture scanner read EKS, IAM and KMS and import findings into Security Hub',
      assumedBy: new iam.ArnPrincipal(scannerRole),
      ...(props.externalId ? { externalIds: [props.externalId] } : {}),
    });
    grantScanAndPublish(this.role);
  }
}

export class EksPostureMemberRoleStack extends Stack {
  readonly memberRole: EksPostureMemberRole;

  constructor(scope: Construct, id: string, props: EksPostureMemberRoleProps & StackProps) {
    super(scope, id, props);
    this.memberRole = new EksPostureMemberRole(this, 'MemberRole', props);
  }
}

/**
 * The member role as a plain CloudFormation template, for a StackSet: no CDK bootstrap needed in
 * the member accounts, and the scanner's account a parameter, filled in by the StackSet, so that a
 * template synthesized without a fixed account still trusts the scanner and nothing else.
 */
export function memberRoleTemplate(
  props: Omit<EksPostureMemberRoleProps, 'scannerAccountId'>,
): Record<string, unknown> {
  const app = new App();
  // No BootstrapVersion rule: member accounts need not be bootstrapped for CDK, and the template has no assets.
  const stack = new Stack(app, 'EksPostureMemberRole', {
    // CDK declares bootstrapQualifier as optional, not `| undefined`; under exactOptionalPropertyTypes
    // its own synthesizer then fails its own interface, though it is the documented one to pass here.
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) as IStackSynthesizer,
  });
  const scannerAccountId = new CfnParameter(stack, SCANNER_ACCOUNT_PARAMETER, {
    type: 'String',
    allowedPattern: '^\\d{12}$',
    description: 'Account of the eks-posture scanner, the only one the member role trusts',
  });
  new EksPostureMemberRole(stack, 'MemberRole', {
    ...props,
    scannerAccountId: scannerAccountId.valueAsString,
  });
  return app.synth().getStackArtifact(stack.artifactId).template as Record<string, unknown>;
}

export const SCANNER_ACCOUNT_PARAMETER = 'ScannerAccountId';

export interface EksPostureMemberStackSetProps extends EksPostureMemberRoleProps {
  /** Organizational units whose accounts, present and future, get the member role. */
  readonly organizationalUnitIds: readonly string[];
  /**
   * Region the StackSet instances are created in (IAM roles are global: one is enough).
   * @default - the scanner stack's region
   */
  readonly region?: string;
}

/**
 * The member role in every account of the given organizational units, through a service-managed
 * StackSet that also deploys to accounts that join later. Deploy from the management account or a
 * delegated StackSets administrator.
 */
export class EksPostureMemberStackSet extends Construct {
  readonly stackSet: CfnStackSet;

  constructor(scope: Construct, id: string, props: EksPostureMemberStackSetProps) {
    super(scope, id);
    this.stackSet = new CfnStackSet(this, 'StackSet', {
      stackSetName: 'eks-posture-member-role',
      description: 'The eks-posture member role in every account of the organization',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      callAs: 'SELF',
      managedExecution: { Active: true },
      parameters: [{ parameterKey: SCANNER_ACCOUNT_PARAMETER, parameterValue: props.scannerAccountId }],
      operationPreferences: {
        failureTolerancePercentage: 10,
        maxConcurrentPercentage: 25,
        regionConcurrencyType: 'PARALLEL',
      },
      stackInstancesGroup: [
        {
          regions: [props.region ?? Stack.of(this).region],
          deploymentTargets: { organizationalUnitIds: [...props.organizationalUnitIds] },
        },
      ],
      templateBody: Stack.of(this).toJsonString(memberRoleTemplate(props)),
    });
  }
}
