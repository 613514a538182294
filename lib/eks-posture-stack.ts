import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ConfigError } from '../lambda/errors';
import { EksPostureScanner, type EksPostureScannerProps } from './eks-posture-scanner';
import {
  checkedOrganizationalUnitIds,
  EksPostureMemberStackSet,
  parseStackSetCallAs,
  type StackSetCallAs,
} from './member-role';

export interface EksPostureStackProps extends StackProps {
  readonly scanner?: EksPostureScannerProps;
  /**
   * Deploy the member role to these organizational units with a StackSet (organization mode only).
   * @default - no StackSet; deploy EksPostureMemberRoleStack to member accounts yourself
   */
  readonly memberOrganizationalUnitIds?: readonly string[];
  /**
   * Whom CloudFormation acts as for the member role StackSet: `DELEGATED_ADMIN` when this stack is
   * deployed in an account registered as a delegated StackSets administrator (the security tooling
   * account), `SELF` when it is deployed in the organization's management account.
   * @default 'DELEGATED_ADMIN'
   */
  readonly stackSetCallAs?: StackSetCallAs;
}

/** The scanner in the security tooling account, and in organization mode optionally the member role StackSet. */
export class EksPostureStack extends Stack {
  readonly scanner: EksPostureScanner;

  constructor(scope: Construct, id: string, props: EksPostureStackProps = {}) {
    super(scope, id, props);
    const organization = props.scanner?.organization;
    // An empty list is none, as before.
    const units = props.memberOrganizationalUnitIds?.length ? props.memberOrganizationalUnitIds : undefined;
    // Refused before the scanner is built (and its function bundled), each naming its prop.
    if (units) {
      checkedOrganizationalUnitIds(units, 'props.memberOrganizationalUnitIds');
      if (!organization) {
        throw new ConfigError('props.memberOrganizationalUnitIds is set without scanner.organization');
      }
    }
    const callAs =
      props.stackSetCallAs === undefined
        ? undefined
        : parseStackSetCallAs(props.stackSetCallAs, 'props.stackSetCallAs');
    if (callAs && !units) {
      throw new ConfigError('props.stackSetCallAs applies only with memberOrganizationalUnitIds');
    }
    this.scanner = new EksPostureScanner(this, 'Scanner', props.scanner ?? {});
    if (organization && units) {
      new EksPostureMemberStackSet(this, 'MemberRoles', {
        scannerAccountId: this.account,
        roleName: organization.memberRoleName,
        ...(organization.scannerRoleName ? { scannerRoleName: organization.scannerRoleName } : {}),
        ...(organization.externalId ? { externalId: organization.externalId } : {}),
        organizationalUnitIds: units,
        ...(callAs ? { callAs } : {}),
      });
    }
  }
}
