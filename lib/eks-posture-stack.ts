import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { EksPostureScanner, type EksPostureScannerProps } from './eks-posture-scanner';
import { EksPostureMemberStackSet } from './member-role';

export interface EksPostureStackProps extends StackProps {
  readonly scanner?: EksPostureScannerProps;
  /**
   * Deploy the member role to these organizational units with a StackSet (organization mode only).
   * @default - no StackSet; deploy EksPostureMemberRoleStack to member accounts yourself
   */
  readonly memberOrganizationalUnitIds?: readonly string[];
}

/** The scanner in the security tooling account, and in organization mode optionally the member role StackSet. */
export class EksPostureStack extends Stack {
  readonly scanner: EksPostureScanner;

  constructor(scope: Construct, id: string, props: EksPostureStackProps = {}) {
    super(scope, id, props);
    this.scanner = new EksPostureScanner(this, 'Scanner', props.scanner ?? {});
    const organization = props.scanner?.organization;
    if (organization && props.memberOrganizationalUnitIds?.length) {
      new EksPostureMemberStackSet(this, 'MemberRoles', {
        scannerAccountId: this.account,
        roleName: organization.memberRoleName,
        ...(organization.scannerRoleName ? { scannerRoleName: organization.scannerRoleName } : {}),
        ...(organization.externalId ? { externalId: organization.externalId } : {}),
        organizationalUnitIds: props.memberOrganizationalUnitIds,
      });
    }
  }
}
