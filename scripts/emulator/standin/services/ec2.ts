/**
 * EC2 (EC2 query, XML): DescribeSubnets, DescribeSecurityGroups and DescribeRouteTables, filtered
 * by id (or VPC id) as the scanner asks, and DescribeLaunchTemplateVersions of one template. A
 * region without clusters has no network or launch template in the model. moto 5.2.1 answers all
 * of them as AWS does, so the profiles do not differ here.
 */
import type { ServiceModule } from '../context';
import type {
  LaunchTemplateModel,
  LaunchTemplateVersionModel,
  NetworkModel,
  SubnetModel,
} from '../org-model';
import { type Answer, type AwsRequest, ec2Answer, ec2Filters, el, errorAnswer } from '../protocol';

function subnets(network: NetworkModel): SubnetModel[] {
  return [...network.privateSubnets, network.publicSubnet, network.mainTableSubnet];
}

function subnetXml(subnet: SubnetModel, network: NetworkModel, region: string, owner: string): string {
  return `<item>${el('subnetId', subnet.id)}${el('subnetArn', `arn:aws:ec2:${region}:${owner}:subnet/${subnet.id}`)}${el('state', 'available')}${el('vpcId', network.vpcId)}${el('cidrBlock', subnet.cidr)}${el('availableIpAddressCount', 251)}${el('availabilityZone', `${region}a`)}${el('defaultForAz', false)}${el('mapPublicIpOnLaunch', subnet.public)}${el('ownerId', owner)}</item>`;
}

/** The query's numbered list `LaunchTemplateVersion.1=…`: the EC2 wire name of `Versions`. */
function numbered(form: URLSearchParams, name: string): string[] {
  const values: string[] = [];
  for (let i = 1; form.has(`${name}.${i}`); i++) values.push(form.get(`${name}.${i}`) ?? '');
  return values;
}

function launchTemplateVersionXml(
  template: LaunchTemplateModel,
  version: LaunchTemplateVersionModel,
  owner: string,
): string {
  // EC2 returns the metadata options a version set, and no element for those it left unset.
  const options =
    version.httpTokens === undefined && version.hopLimit === undefined
      ? ''
      : `<metadataOptions>${version.httpTokens === undefined ? '' : el('httpTokens', version.httpTokens)}${version.hopLimit === undefined ? '' : el('httpPutResponseHopLimit', version.hopLimit)}</metadataOptions>`;
  return `<item>${el('launchTemplateId', template.id)}${el('launchTemplateName', template.name)}${el('versionNumber', version.number)}${el('createTime', '2025-01-01T00:00:00.000Z')}${el('createdBy', `arn:aws:iam::${owner}:root`)}${el('defaultVersion', version.number === template.defaultVersion)}<launchTemplateData>${options}</launchTemplateData></item>`;
}

/** The versions asked for (by number, `$Default` or `$Latest`; all of them when none is named), paged. */
function describeLaunchTemplateVersions(
  request: AwsRequest,
  templates: readonly LaunchTemplateModel[],
  owner: string,
): Answer {
  const operation = 'DescribeLaunchTemplateVersions';
  const id = request.form.get('LaunchTemplateId');
  const template = templates.find((t) => t.id === id);
  if (!template) {
    return errorAnswer(
      'ec2',
      400,
      'InvalidLaunchTemplateId.NotFound',
      `The specified launch template, with template ID ${id}, does not exist.`,
    );
  }
  const asked = numbered(request.form, 'LaunchTemplateVersion');
  const latest = Math.max(...template.versions.map((v) => v.number));
  const numbers = new Set(
    asked.map((v) => (v === '$Default' ? template.defaultVersion : v === '$Latest' ? latest : Number(v))),
  );
  const found = template.versions.filter((v) => asked.length === 0 || numbers.has(v.number));
  const start = Number(request.form.get('NextToken') ?? 0);
  const size = Number(request.form.get('MaxResults') ?? 200);
  const next = start + size < found.length ? el('nextToken', String(start + size)) : '';
  return ec2Answer(
    operation,
    `<launchTemplateVersionSet>${found
      .slice(start, start + size)
      .map((v) => launchTemplateVersionXml(template, v, owner))
      .join('')}</launchTemplateVersionSet>${next}`,
  );
}

export const ec2: ServiceModule = {
  service: 'ec2',
  route(request, context) {
    const operation = request.action;
    return {
      operation,
      respond() {
        const owner = context.accountOf(request);
        const region = context.regionOf(owner, request.region);
        const network = region?.network;
        if (operation === 'DescribeLaunchTemplateVersions') {
          return describeLaunchTemplateVersions(request, region?.launchTemplates ?? [], owner);
        }
        const filters = ec2Filters(request.form);
        if (operation === 'DescribeSubnets') {
          const ids = filters.get('subnet-id');
          const found = network ? subnets(network).filter((s) => !ids || ids.includes(s.id)) : [];
          return ec2Answer(
            operation,
            `<subnetSet>${found.map((s) => subnetXml(s, network as NetworkModel, request.region, owner)).join('')}</subnetSet>`,
          );
        }
        if (operation === 'DescribeSecurityGroups') {
          const ids = filters.get('group-id');
          const groups = network ? [network.closedGroup, network.openHttpsGroup, network.openSshGroup] : [];
          const found = groups.filter((g) => !ids || ids.includes(g.id));
          const items = found
            .map(
              (g) =>
                `<item>${el('ownerId', owner)}${el('groupId', g.id)}${el('groupName', g.name)}${el('groupDescription', g.name)}${el('vpcId', network?.vpcId ?? '')}<ipPermissions>${g.ingress
                  .map(
                    (rule) =>
                      `<item>${el('ipProtocol', rule.protocol)}${el('fromPort', rule.fromPort)}${el('toPort', rule.toPort)}<groups/><ipRanges>${rule.cidrs.map((c) => `<item>${el('cidrIp', c)}</item>`).join('')}</ipRanges><ipv6Ranges/><prefixListIds/></item>`,
                  )
                  .join(
                    '',
                  )}</ipPermissions><ipPermissionsEgress><item>${el('ipProtocol', '-1')}<groups/><ipRanges><item>${el('cidrIp', '0.0.0.0/0')}</item></ipRanges><ipv6Ranges/><prefixListIds/></item></ipPermissionsEgress></item>`,
            )
            .join('');
          return ec2Answer(operation, `<securityGroupInfo>${items}</securityGroupInfo>`);
        }
        if (operation === 'DescribeRouteTables') {
          const vpcs = filters.get('vpc-id');
          if (!network || (vpcs && !vpcs.includes(network.vpcId))) {
            return ec2Answer(operation, '<routeTableSet/>');
          }
          const local = `<item>${el('destinationCidrBlock', '10.0.0.0/16')}${el('gatewayId', 'local')}${el('state', 'active')}${el('origin', 'CreateRouteTable')}</item>`;
          const internet = `<item>${el('destinationCidrBlock', '0.0.0.0/0')}${el('gatewayId', network.igwId)}${el('state', 'active')}${el('origin', 'CreateRoute')}</item>`;
          const association = (table: string, subnet: string | undefined, main: boolean) =>
            `<item>${el('routeTableAssociationId', `rtbassoc-${table.slice(4)}${subnet ? subnet.slice(-4) : 'main'}`)}${el('routeTableId', table)}${subnet ? el('subnetId', subnet) : ''}${el('main', main)}<associationState>${el('state', 'associated')}</associationState></item>`;
          const table = (id: string, routes: string, associations: string) =>
            `<item>${el('routeTableId', id)}${el('vpcId', network.vpcId)}${el('ownerId', owner)}<routeSet>${routes}</routeSet><associationSet>${associations}</associationSet><propagatingVgwSet/><tagSet/></item>`;
          const associations = (table: string, subnetIds: readonly string[]) =>
            subnetIds.map((subnet) => association(table, subnet, false)).join('');
          return ec2Answer(
            operation,
            `<routeTableSet>${table(network.mainTableId, local + internet, association(network.mainTableId, undefined, true))}${table(
              network.privateTableId,
              local,
              associations(
                network.privateTableId,
                network.privateSubnets.map((s) => s.id),
              ),
            )}${table(network.publicTableId, local + internet, associations(network.publicTableId, [network.publicSubnet.id]))}</routeTableSet>`,
          );
        }
        return errorAnswer('ec2', 400, 'InvalidAction', `stand-in EC2 does not implement ${operation}`);
      },
    };
  },
};
