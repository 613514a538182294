import { type EC2Client, paginateDescribeLaunchTemplateVersions } from '@aws-sdk/client-ec2';
import pLimit from 'p-limit';
import { describeAwsError } from '../errors';
import { known, type Readout, unknown } from '../model/readout';
import { type InstanceMetadataOptions, launchTemplateKey, type NodegroupSnapshot } from '../model/snapshot';

/**
 * The metadata options of every launch template version the region's node groups run: one call per
 * template, for all the versions its node groups name (node groups sharing a template share the
 * call). A version a node group does not name is `$Default`, as EKS uses it then. A template that
 * cannot be read leaves each of its versions unknown, with the reason.
 */
export async function collectLaunchTemplates(
  ec2: EC2Client,
  nodegroups: readonly Pick<NodegroupSnapshot, 'launchTemplateId' | 'launchTemplateVersion'>[],
  concurrency = 10,
): Promise<Map<string, Readout<InstanceMetadataOptions>>> {
  const versionsByTemplate = new Map<string, Set<string>>();
  for (const { launchTemplateId: id, launchTemplateVersion: version } of nodegroups) {
    if (id === undefined) continue;
    versionsByTemplate.set(id, (versionsByTemplate.get(id) ?? new Set()).add(version ?? '$Default'));
  }
  const limit = pLimit(concurrency);
  const read = await Promise.all(
    [...versionsByTemplate].map(([id, versions]) => limit(() => readTemplate(ec2, id, [...versions].sort()))),
  );
  return new Map(read.flat());
}

async function readTemplate(
  ec2: EC2Client,
  id: string,
  versions: readonly string[],
): Promise<[string, Readout<InstanceMetadataOptions>][]> {
  const found: {
    number?: number;
    isDefault: boolean;
    options: InstanceMetadataOptions;
  }[] = [];
  try {
    for await (const page of paginateDescribeLaunchTemplateVersions(
      { client: ec2, pageSize: 200 },
      { LaunchTemplateId: id, Versions: [...versions] },
    )) {
      for (const entry of page.LaunchTemplateVersions ?? []) {
        const metadata = entry.LaunchTemplateData?.MetadataOptions;
        found.push({
          ...(entry.VersionNumber === undefined ? {} : { number: entry.VersionNumber }),
          isDefault: entry.DefaultVersion === true,
          options: {
            ...(metadata?.HttpTokens ? { httpTokens: metadata.HttpTokens } : {}),
            ...(metadata?.HttpPutResponseHopLimit === undefined
              ? {}
              : { httpPutResponseHopLimit: metadata.HttpPutResponseHopLimit }),
            ...(metadata?.HttpEndpoint ? { httpEndpoint: metadata.HttpEndpoint } : {}),
          },
        });
      }
    }
  } catch (error) {
    const reason = `ec2:DescribeLaunchTemplateVersions failed for ${id}: ${describeAwsError(error)}`;
    return versions.map((version) => [launchTemplateKey(id, version), unknown(reason)]);
  }
  const latest = Math.max(...found.map((f) => f.number ?? -1));
  return versions.map((version) => {
    // Versions are named by number, or by EC2's aliases for the default and the latest one.
    const entry =
      version === '$Default'
        ? found.find((f) => f.isDefault)
        : version === '$Latest'
          ? found.find((f) => f.number === latest)
          : found.find((f) => String(f.number) === version);
    return [
      launchTemplateKey(id, version),
      entry === undefined
        ? unknown(`ec2:DescribeLaunchTemplateVersions returned no version ${version} of ${id}`)
        : known(entry.options),
    ];
  });
}
