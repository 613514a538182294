import { failed, notAvailable, passed } from '../model/result';
import { coverage } from '../net/cidr';
import type { ClusterCheck } from './types';

export const endpointPublicAccess: ClusterCheck = {
  metadata: {
    id: 'endpoint-public-access',
    title: 'EKS API server endpoint is not reachable from the internet',
    resourceType: 'AwsEksCluster',
    severities: ['HIGH', 'MEDIUM'],
    severityRules:
      'PASSED when the public endpoint is off. FAILED HIGH when it is on and the allowed CIDRs together cover every IPv4 or every IPv6 address (judged by the addresses, not the spelling). FAILED MEDIUM when it is on but restricted; the detail lists the CIDRs and says when private access is off.',
    remediation: {
      text: 'Turn on private endpoint access and turn off public access, or restrict publicAccessCidrs to the networks that administer the cluster: aws eks update-cluster-config --name <cluster> --resources-vpc-config endpointPrivateAccess=true,endpointPublicAccess=false',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
    },
    references: ['https://docs.aws.amazon.com/eks/latest/best-practices/protecting-the-infrastructure.html'],
  },
  evaluate(cluster) {
    const access = cluster.endpointAccess;
    if (access === undefined) return notAvailable('DescribeCluster returned no endpoint access settings');
    if (!access.publicAccess) {
      return passed(
        access.privateAccess
          ? 'The API server endpoint is private only.'
          : 'Public endpoint access is off (private access is off too: the endpoint is reachable from nowhere).',
      );
    }
    const cidrs = access.publicAccessCidrs ?? [];
    const privateNote = access.privateAccess
      ? ''
      : ' Private access is off: nodes and in-VPC clients reach the API server over the internet too.';
    if (cidrs.length === 0) {
      // EKS fills in 0.0.0.0/0 when none are given, so an empty list cannot be taken as a restriction.
      return failed(
        'HIGH',
        `The public endpoint is on and no allowed CIDRs were returned (EKS defaults to 0.0.0.0/0).${privateNote}`,
      );
    }
    const reach = coverage(cidrs);
    const listed = cidrs.join(', ');
    const invalidNote = reach.invalid.length > 0 ? ` Unreadable entries: ${reach.invalid.join('; ')}.` : '';
    if (reach.allIpv4 || reach.allIpv6) {
      const families = [reach.allIpv4 ? 'every IPv4 address' : '', reach.allIpv6 ? 'every IPv6 address' : '']
        .filter(Boolean)
        .join(' and ');
      return failed(
        'HIGH',
        `The public endpoint admits ${families} (allowed CIDRs: ${listed}).${privateNote}${invalidNote}`,
      );
    }
    return failed(
      'MEDIUM',
      `The public endpoint is on, restricted to ${listed}.${privateNote}${invalidNote}`,
    );
  },
};
