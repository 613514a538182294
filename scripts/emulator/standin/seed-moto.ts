/**
 * Seeds moto with the same organization the stand-in answers from (a `motoCompatible` plan): the
 * same accounts in the same order, each region's network, keys, launch templates, clusters, node
 * groups, log groups and GuardDuty detector, the OIDC providers, roles and users. moto makes its own
 * ids (accounts, VPCs, issuers, launch templates, detectors): every model id the seeding hands to
 * moto is rewritten to moto's. Returns the account ids in model order (index 0 is the management account).
 */

import { CreateLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  type LaunchTemplateInstanceMetadataOptionsRequest,
  ModifyLaunchTemplateCommand,
} from '@aws-sdk/client-ec2';
import type { LogType } from '@aws-sdk/client-eks';
import { CreateDetectorCommand } from '@aws-sdk/client-guardduty';
import { CreateUserCommand } from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { memberCredentials, type SeedClients, seedClients } from '../clients';
import {
  createCluster,
  createKey,
  createNetwork,
  createNodegroup,
  createRole,
  registerProvider,
} from '../demo-account';
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS } from '../moto';
import {
  accountModel,
  detectorFeatures,
  type LaunchTemplateModel,
  type LaunchTemplateVersionModel,
  MEMBER_ROLE,
  type OrgPlan,
} from './org-model';

/** A version's metadata options as EC2 takes them: only the fields the model sets. */
function metadataOptions(version: LaunchTemplateVersionModel): LaunchTemplateInstanceMetadataOptionsRequest {
  return {
    ...(version.httpTokens === undefined ? {} : { HttpTokens: version.httpTokens }),
    ...(version.hopLimit === undefined ? {} : { HttpPutResponseHopLimit: version.hopLimit }),
  };
}

/** The template with its versions in order and its default; moto's id. */
async function seedLaunchTemplate(
  clients: SeedClients,
  region: string,
  template: LaunchTemplateModel,
): Promise<string> {
  const ec2 = clients.ec2(region);
  const [first, ...rest] = template.versions;
  const created = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: template.name,
      LaunchTemplateData: first ? { MetadataOptions: metadataOptions(first) } : {},
    }),
  );
  const id = created.LaunchTemplate?.LaunchTemplateId ?? '';
  for (const version of rest) {
    await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: id,
        LaunchTemplateData: { MetadataOptions: metadataOptions(version) },
      }),
    );
  }
  if (template.defaultVersion !== 1) {
    await ec2.send(
      new ModifyLaunchTemplateCommand({
        LaunchTemplateId: id,
        DefaultVersion: String(template.defaultVersion),
      }),
    );
  }
  return id;
}

export async function seedMotoOrganization(endpoint: string, plan: OrgPlan): Promise<string[]> {
  if (!plan.motoCompatible) throw new Error('moto can hold only a motoCompatible plan');
  const organizations = new OrganizationsClient({
    region: 'us-east-1',
    endpoint,
    credentials: MOTO_CREDENTIALS,
  });
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const ids = [MOTO_ACCOUNT_ID];
  for (let i = 1; i < plan.accounts; i++) {
    const created = await organizations.send(
      new CreateAccountCommand({ AccountName: `account-${i}`, Email: `a${i}@example.com` }),
    );
    ids.push(created.CreateAccountStatus?.AccountId ?? '');
  }
  for (const [index, accountId] of ids.entries()) {
    const model = accountModel(plan, accountId, index);
    const clients = seedClients(
      endpoint,
      index === 0 ? MOTO_CREDENTIALS : await memberCredentials(endpoint, accountId, MEMBER_ROLE),
    );
    const rewrite = new Map<string, string>();
    for (const region of model.regions) {
      const made = await createNetwork(clients, region.region);
      const n = region.network;
      rewrite.set(n.vpcId, made.vpcId);
      for (const [i, subnet] of n.privateSubnets.entries())
        rewrite.set(subnet.id, made.privateSubnets[i] ?? '');
      rewrite.set(n.publicSubnet.id, made.publicSubnet);
      rewrite.set(n.mainTableSubnet.id, made.mainTableSubnet);
      rewrite.set(n.closedGroup.id, made.closedGroup);
      rewrite.set(n.openHttpsGroup.id, made.openHttpsGroup);
      rewrite.set(n.openSshGroup.id, made.openSshGroup);
      const map = (id: string) => rewrite.get(id) ?? id;
      for (const template of region.launchTemplates) {
        rewrite.set(template.id, await seedLaunchTemplate(clients, region.region, template));
      }
      for (const key of region.keys) {
        const plan =
          key.state === 'Enabled' ? 'enabled' : key.state === 'Disabled' ? 'disabled' : 'pending-deletion';
        rewrite.set(key.arn, await createKey(clients, region.region, plan));
      }
      for (const cluster of region.clusters) {
        const made = await createCluster(clients, {
          name: cluster.name,
          region: region.region,
          version: cluster.version,
          publicAccess: cluster.publicAccess,
          privateAccess: cluster.privateAccess,
          publicAccessCidrs: cluster.publicAccessCidrs,
          ...(cluster.keyArn ? { keyArn: map(cluster.keyArn) } : {}),
          logging: cluster.logging.map((l) => ({ types: l.types as LogType[], enabled: l.enabled })),
          subnetIds: cluster.subnetIds.map(map),
          securityGroupIds: cluster.securityGroupIds.map(map),
          tags: cluster.tags,
        });
        // One issuer per region in moto, as in the motoCompatible model.
        rewrite.set(cluster.issuerId, made.issuer.replace(/^.*\/id\//, ''));
        for (const group of cluster.nodegroups) {
          await createNodegroup(clients, {
            cluster: cluster.name,
            region: region.region,
            name: group.name,
            subnets: group.subnetIds.map(map),
            ...(group.sshKey
              ? { sshKey: group.sshKey, sourceSecurityGroups: group.sourceSecurityGroups.map(map) }
              : {}),
            // A motoCompatible model names no version: the node group runs the template's default.
            ...(group.launchTemplate ? { launchTemplateId: map(group.launchTemplate.id) } : {}),
          });
        }
      }
      const logs = clients.logs(region.region);
      for (const group of region.logGroups) {
        await logs.send(new CreateLogGroupCommand({ logGroupName: group.name }));
        if (group.retentionInDays !== undefined) {
          await logs.send(
            new PutRetentionPolicyCommand({
              logGroupName: group.name,
              retentionInDays: group.retentionInDays,
            }),
          );
        }
      }
      for (const detector of region.detectors) {
        await clients.guardduty(region.region).send(
          new CreateDetectorCommand({
            Enable: detector.status === 'ENABLED',
            Features: detectorFeatures(detector).map((f) => ({
              Name: f.name,
              Status: f.status,
              ...(f.additionalConfiguration
                ? {
                    AdditionalConfiguration: f.additionalConfiguration.map((c) => ({
                      Name: c.name,
                      Status: c.status,
                    })),
                  }
                : {}),
            })),
          }),
        );
      }
    }
    const issuers = (text: string) =>
      text.replace(/\/id\/([0-9A-F]{32})/g, (_whole, id: string) => `/id/${rewrite.get(id) ?? id}`);
    for (const provider of model.oidcProviderArns) {
      await registerProvider(
        clients,
        `https://${issuers(provider).replace(/^arn:aws:iam::\d+:oidc-provider\//, '')}`,
      );
    }
    for (const role of model.roles) {
      if (role.name === MEMBER_ROLE) continue; // moto's CreateAccount made it
      await createRole(clients, role.name, issuers(role.trust));
    }
    for (const user of model.users) {
      await clients.iam().send(new CreateUserCommand({ UserName: user.name }));
    }
  }
  return ids;
}
