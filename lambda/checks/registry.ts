import { accessEntryPrincipalExists } from './access-entry-principal-exists';
import { addonHealthAndVersion } from './addon-health-and-version';
import { authenticationMode } from './authentication-mode';
import { clusterAdminAccess } from './cluster-admin-access';
import { clusterExposure } from './cluster-exposure';
import { clusterSecurityGroup } from './cluster-security-group';
import { controlPlaneLogRetention } from './control-plane-log-retention';
import { controlPlaneLogging } from './control-plane-logging';
import { deletionProtection } from './deletion-protection';
import { endpointPublicAccess } from './endpoint-public-access';
import { irsaTrustPolicy } from './irsa-trust-policy';
import { networkPolicyEnforcement } from './network-policy-enforcement';
import { nodegroupInstanceMetadata } from './nodegroup-instance-metadata';
import { nodegroupPublicSubnets } from './nodegroup-public-subnets';
import { nodegroupRemoteAccess } from './nodegroup-remote-access';
import { oidcProviderInUse } from './oidc-provider-in-use';
import { podIdentityTrustPolicy } from './pod-identity-trust-policy';
import { secretsEncryption } from './secrets-encryption';
import { supportedVersion } from './supported-version';
import { threatDetectionCoverage } from './threat-detection-coverage';
import type { Check } from './types';
import { upgradeInsights } from './upgrade-insights';

/** Every check the scanner runs, in report order. Ids are stable and never reused. */
export const CHECKS: readonly Check[] = [
  endpointPublicAccess,
  secretsEncryption,
  supportedVersion,
  upgradeInsights,
  controlPlaneLogging,
  controlPlaneLogRetention,
  irsaTrustPolicy,
  nodegroupRemoteAccess,
  nodegroupPublicSubnets,
  nodegroupInstanceMetadata,
  clusterSecurityGroup,
  networkPolicyEnforcement,
  authenticationMode,
  clusterAdminAccess,
  accessEntryPrincipalExists,
  podIdentityTrustPolicy,
  oidcProviderInUse,
  deletionProtection,
  addonHealthAndVersion,
  threatDetectionCoverage,
  // Reads the results of the checks above: the engine runs it after them.
  clusterExposure,
];
