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
import { ConfigError } from '../lambda/errors';
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

/**
 * Whom CloudFormation acts as for a service-managed StackSet: `SELF` in the organization's
 * management account, `DELEGATED_ADMIN` in a member account registered as a delegated StackSets
 * administrator, which AWS refuses `SELF` from.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-stackset.html
 */
export type StackSetCallAs = 'SELF' | 'DELEGATED_ADMIN';

export const STACK_SET_CALL_AS: readonly StackSetCallAs[] = ['SELF', 'DELEGATED_ADMIN'];

/** `SELF` or `DELEGATED_ADMIN`, in any case; a ConfigError naming the input otherwise. */
export function parseStackSetCallAs(input: string, name: string): StackSetCallAs {
  // typeof: a JavaScript caller may pass anything.
  const value = typeof input === 'string' ? input.trim().toUpperCase() : undefined;
  const callAs = STACK_SET_CALL_AS.find((c) => c === value);
  if (callAs === undefined) {
    throw new ConfigError(`${name}: '${String(input)}' is not one of ${STACK_SET_CALL_AS.join(', ')}`);
  }
  return callAs;
}

/**
 * A StackSet's deployment targets: organizational unit ids, or the organization's root id.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html
 */
const DEPLOYMENT_TARGET = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;

/** The ids, each an OU (or root) id; a ConfigError naming the input and the first bad one otherwise. */
export function checkedOrganizationalUnitIds(ids: readonly string[], name: string): readonly string[] {
  if (ids.length === 0) throw new ConfigError(`${name}: no organizational unit id given`);
  for (const id of ids) {
    if (!DEPLOYMENT_TARGET.test(id)) {
      throw new ConfigError(`${name}: '${id}' is not an organizational unit id (ou-...) or root id (r-...)`);
    }
  }
  return ids;
}

export interface EksPostureMemberStackSetProps extends EksPostureMemberRoleProps {
  /** Organizational units whose accounts, present and future, get the member role. */
  readonly organizationalUnitIds: readonly string[];
  /**
   * Region the StackSet instances are created in (IAM roles are global: one is enough).
   * @default - the scanner stack's region
   */
  readonly region?: string;
  /**
   * Whom CloudFormation acts as: `DELEGATED_ADMIN` when this stack is deployed in an account
   * registered as a delegated StackSets administrator, `SELF` in the management account.
   * @default 'DELEGATED_ADMIN' - the documented deployment, in the security tooling account
   */
  readonly callAs?: StackSetCallAs;
}

/**
 * The member role in every account of the given organizational units, through a service-managed
 * StackSet that also deploys to accounts that join later. Deploy from a delegated StackSets
 * administrator (the default) or, with `callAs: 'SELF'`, from the management account.
 */
export class EksPostureMemberStackSet extends Construct {
  readonly stackSet: CfnStackSet;

  constructor(scope: Construct, id: string, props: EksPostureMemberStackSetProps) {
    super(scope, id);
    const callAs =
      props.callAs === undefined ? 'DELEGATED_ADMIN' : parseStackSetCallAs(props.callAs, 'props.callAs');
    const organizationalUnitIds = checkedOrganizationalUnitIds(
      props.organizationalUnitIds,
      'props.organizationalUnitIds',
    );
    this.stackSet = new CfnStackSet(this, 'StackSet', {
      stackSetName: 'eks-posture-member-role',
      description: 'The eks-posture member role in every account of the organization',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      callAs,
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
          deploymentTargets: { organizationalUnitIds: [...organizationalUnitIds] },
        },
      ],
      templateBody: Stack.of(this).toJsonString(memberRoleTemplate(props)),
    });
  }
}
