import {
  DescribeAddonCommand,
  type EKSClient,
  paginateDescribeAddonVersions,
  paginateListAddons,
} from '@aws-sdk/client-eks';
import * as z from 'zod/mini';
import '../zod-messages';
import { describeAwsError, isNotFound, isNotImplemented } from '../errors';
import { known, type Readout, unknown } from '../model/readout';
import type { AddonOffer, AddonSnapshot, ClusterSnapshot, Listed } from '../model/snapshot';
import { describeListed } from './read-each';

/** The parts of a DescribeAddon answer the checks read. */
const AddonShape = z.object({
  addonName: z.string().check(z.minLength(1)),
  addonArn: z.string().check(z.startsWith('arn:')),
  status: z.optional(z.string()),
  addonVersion: z.optional(z.string()),
  configurationValues: z.optional(z.string()),
  health: z.optional(
    z.object({
      issues: z.optional(
        z.array(
          z.object({
            code: z.optional(z.string()),
            message: z.optional(z.string()),
            resourceIds: z.optional(z.array(z.string())),
          }),
        ),
      ),
    }),
  ),
});

type ClusterRef = Pick<ClusterSnapshot, 'accountId' | 'region' | 'name' | 'arn' | 'version'>;

/** The names of a cluster's EKS add-ons; it needs only the cluster's name. */
export async function listAddons(eks: EKSClient, clusterName: string): Promise<Readout<string[]>> {
  const names: string[] = [];
  try {
    for await (const page of paginateListAddons({ client: eks, pageSize: 100 }, { clusterName })) {
      names.push(...(page.addons ?? []));
    }
  } catch (error) {
    return unknown(`eks:ListAddons failed: ${describeAwsError(error)}`);
  }
  return known(names);
}

/**
 * Describes the add-ons a listing named, each with what EKS offers of it for the cluster's
 * Kubernetes version. One that cannot be described is listed with the reason; one deleted since it
 * was listed is gone.
 */
export async function describeAddons(
  eks: EKSClient,
  cluster: ClusterRef,
  listed: Readout<readonly string[]>,
  offers: AddonOffers,
  describeConcurrency = 10,
): Promise<Readout<Listed<AddonSnapshot>[]>> {
  return describeListed(
    listed,
    (name) => describe(eks, cluster, name, offers.of(eks, cluster, name)),
    describeConcurrency,
  );
}

async function describe(
  eks: EKSClient,
  cluster: ClusterRef,
  name: string,
  offer: Promise<Readout<AddonOffer>>,
): Promise<Readout<AddonSnapshot> | undefined> {
  let answer: unknown;
  try {
    answer = (await eks.send(new DescribeAddonCommand({ clusterName: cluster.name, addonName: name }))).addon;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    return unknown(`eks:DescribeAddon failed: ${describeAwsError(error)}`);
  }
  const parsed = AddonShape.safeParse(answer);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return unknown(
      `eks:DescribeAddon returned an invalid add-on (${issue?.path.join('.') || 'addon'}: ${issue?.message ?? 'invalid'})`,
    );
  }
  const addon = parsed.data;
  return known({
    accountId: cluster.accountId,
    region: cluster.region,
    clusterName: cluster.name,
    clusterArn: cluster.arn,
    name: addon.addonName,
    arn: addon.addonArn,
    ...(addon.addonVersion === undefined ? {} : { version: addon.addonVersion }),
    ...(addon.status === undefined ? {} : { status: addon.status }),
    healthIssues: (addon.health?.issues ?? []).map((issue) => ({
      ...(issue.code === undefined ? {} : { code: issue.code }),
      ...(issue.message === undefined ? {} : { message: issue.message }),
      resourceIds: issue.resourceIds ?? [],
    })),
    ...(addon.configurationValues ? { configurationValues: addon.configurationValues } : {}),
    offer: await offer,
  });
}

interface Attempt {
  readonly offer: Readout<AddonOffer>;
  /** True when other credentials might succeed where these failed. */
  readonly retryable: boolean;
}

/**
 * What EKS offers of an add-on is the same for every account: `DescribeAddonVersions` is read once
 * per region, add-on and Kubernetes version for the whole run, and shared. When the account that
 * asked first may not read it, the next account that needs it tries with its own credentials, up to
 * `accountsPerKey` accounts.
 */
export class AddonOffers {
  private readonly attempts = new Map<string, { attempt: Promise<Attempt>; accounts: Set<string> }>();

  constructor(private readonly accountsPerKey = 3) {}

  of(eks: EKSClient, cluster: ClusterRef, addonName: string): Promise<Readout<AddonOffer>> {
    const kubernetesVersion = cluster.version;
    if (kubernetesVersion === undefined) {
      return Promise.resolve(
        unknown("DescribeCluster returned no Kubernetes version to read the add-on's versions for"),
      );
    }
    const key = `${cluster.region}/${addonName}/${kubernetesVersion}`;
    const previous = this.attempts.get(key);
    if (
      previous &&
      (previous.accounts.has(cluster.accountId) || previous.accounts.size >= this.accountsPerKey)
    ) {
      return previous.attempt.then((a) => a.offer);
    }
    const attempt = previous
      ? previous.attempt.then((earlier) =>
          earlier.retryable ? readOffer(eks, addonName, kubernetesVersion) : earlier,
        )
      : readOffer(eks, addonName, kubernetesVersion);
    this.attempts.set(key, {
      attempt,
      accounts: new Set([...(previous?.accounts ?? []), cluster.accountId]),
    });
    return attempt.then((a) => a.offer);
  }
}

async function readOffer(eks: EKSClient, addonName: string, kubernetesVersion: string): Promise<Attempt> {
  const compatible: string[] = [];
  let defaultVersion: string | undefined;
  try {
    for await (const page of paginateDescribeAddonVersions(
      { client: eks, pageSize: 100 },
      { addonName, kubernetesVersion },
    )) {
      for (const addon of page.addons ?? []) {
        if (addon.addonName !== undefined && addon.addonName !== addonName) continue;
        for (const version of addon.addonVersions ?? []) {
          // Asked for one Kubernetes version, EKS lists only versions compatible with it; checked again here.
          const fits = (version.compatibilities ?? []).filter((c) => c.clusterVersion === kubernetesVersion);
          if (!version.addonVersion || fits.length === 0) continue;
          compatible.push(version.addonVersion);
          if (fits.some((c) => c.defaultVersion === true)) defaultVersion = version.addonVersion;
        }
      }
    }
  } catch (error) {
    const reason = `eks:DescribeAddonVersions failed: ${describeAwsError(error)}`;
    return { offer: unknown(reason), retryable: !isNotImplemented(error) };
  }
  if (compatible.length === 0) {
    return {
      offer: unknown(
        `eks:DescribeAddonVersions lists no version of ${addonName} for Kubernetes ${kubernetesVersion}`,
      ),
      retryable: false,
    };
  }
  return {
    offer: known({
      kubernetesVersion,
      compatibleVersions: [...new Set(compatible)],
      ...(defaultVersion === undefined ? {} : { defaultVersion }),
    }),
    retryable: false,
  };
}
