import { authenticationMode } from './authentication-mode';
import { clusterAdminAccess } from './cluster-admin-access';
import { clusterExposure } from './cluster-exposure';
import { clusterSecurityGroup } from './cluster-security-group';
import { controlPlaneLogging } from './control-plane-logging';
import { deletionProtection } from './deletion-protection';
import { endpointPublicAccess } from './endpoint-public-access';
import { irsaTrustPolicy } from './irsa-trust-policy';
import { nodegroupPublicSubnets } from './nodegroup-public-subnets';
import { nodegroupRemoteAccess } from './nodegroup-remote-access';
import { podIdentityTrustPolicy } from './pod-identity-trust-policy';
import { secretsEncryption } from './secrets-encryption';
import { supportedVersion } from './supported-version';
import type { Check } from './types';

/** Every check the scanner runs, in report order. Ids are stable and never reused. */
export const CHECKS: readonly Check[] = [
  endpointPublicAccess,
  secretsEncryption,
  supportedVersion,
  controlPlaneLogging,
  irsaTrustPolicy,
  nodegroupRemoteAccess,
  nodegroupPublicSubnets,
  clusterSecurityGroup,
  authenticationMode,
  clusterAdminAccess,
  podIdentityTrustPolicy,
  deletionProtection,
  // Reads the results of the checks above: the engine runs it after them.
  clusterExposure,
];
