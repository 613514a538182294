import { failed, passed } from '../model/result';
import type { NodegroupCheck } from './types';

export const nodegroupRemoteAccess: NodegroupCheck = {
  metadata: {
    id: 'nodegroup-remote-access',
    title: 'EKS managed node group does not allow SSH access to its nodes',
    resourceType: 'AwsEksNodegroup',
    severities: ['HIGH', 'MEDIUM'],
    severityRules:
      'PASSED when DescribeNodegroup shows no remoteAccess SSH key (a node group launched from a launch template keeps its key pair in the template, which is not read; the detail says so). FAILED HIGH when an SSH key is set with no sourceSecurityGroups: EKS then opens port 22 (3389 for Windows AMI types) on the nodes to 0.0.0.0/0. FAILED MEDIUM when an SSH key is set with source security groups: SSH is limited, but Systems Manager Session Manager gives shell access without an open port or a shared key.',
    remediation: {
      text: 'Remote access cannot be changed on an existing node group: create a replacement node group without remoteAccess, move the workloads, and delete the old one. Reach nodes with SSM Session Manager instead.',
      url: 'https://docs.aws.amazon.com/eks/latest/best-practices/protecting-the-infrastructure.html',
    },
    references: [
      'https://docs.aws.amazon.com/eks/latest/APIReference/API_RemoteAccessConfig.html',
      'https://docs.aws.amazon.com/eks/latest/best-practices/protecting-the-infrastructure.html',
    ],
  },
  evaluate(nodegroup) {
    const access = nodegroup.remoteAccess;
    if (access?.ec2SshKey === undefined) {
      const template =
        nodegroup.launchTemplate === undefined
          ? ''
          : ` The node group uses launch template ${nodegroup.launchTemplate}; a key pair set there is not read by this check.`;
      return passed(`No SSH key is configured for remote access.${template}`);
    }
    // Windows nodes are reached over RDP: EKS opens 3389 instead of 22.
    const windows = nodegroup.amiType?.toUpperCase().startsWith('WINDOWS') === true;
    const [protocol, port] = windows ? ['RDP', 3389] : ['SSH', 22];
    const key = `Key pair '${access.ec2SshKey}'`;
    if (access.sourceSecurityGroups.length === 0) {
      return failed(
        'HIGH',
        `${key} is set with no source security groups: EKS opens port ${port} (${protocol}) on every node to 0.0.0.0/0.`,
      );
    }
    return failed(
      'MEDIUM',
      `${key} allows ${protocol} to the nodes from security groups ${access.sourceSecurityGroups.join(', ')}; use SSM Session Manager instead.`,
    );
  },
};
