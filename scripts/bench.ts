/**
 * `npm run bench`: an organization seeded into moto, scanned (and published) end to end, optionally
 * behind a proxy that adds per-call latency. Prints wall time, API calls by operation against the
 * minimum the design promises, the critical path of each account region in round trips, peak memory
 * and findings. A benchmark to run, not a test.
 *
 *   npm run bench -- --accounts 20 --regions 3 --clusters 2 --nodegroups 1 --roles 50 --latency 50-100
 */
import { parseArgs } from 'node:util';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { ApiCallCounter, type ApiCallTiming } from '../lambda/collect/api-calls';
import { publishFindings } from '../lambda/publish/publish';
import { SECURITY_HUB } from '../lambda/publish/securityhub';
import { DEFAULT_SCAN_CONFIG } from '../lambda/scan/config';
import { runScan } from '../lambda/scan/scan';
import { clientsFor, resolveTargets } from '../lambda/scan/targets';
import { startAwsProxy } from '../test/support/aws-proxy';
import { memberCredentials, seedClients } from './emulator/clients';
import {
  allow,
  createCluster,
  createNetwork,
  createNodegroup,
  createPolicy,
  createRole,
  grant,
  irsaTrust,
  issuerHost,
  registerProvider,
} from './emulator/demo-account';
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, startMoto } from './emulator/moto';
import { REGION_POOL } from './emulator/standin/org-model';

const MEMBER_ROLE = 'OrganizationAccountAccessRole';

const { values } = parseArgs({
  allowNegative: true,
  options: {
    accounts: { type: 'string', default: '10' },
    regions: { type: 'string', default: '3' },
    clusters: { type: 'string', default: '2' },
    nodegroups: { type: 'string', default: '1' },
    roles: { type: 'string', default: '20' },
    latency: { type: 'string', default: '0-0' },
    'account-concurrency': { type: 'string', default: '8' },
    'region-concurrency': { type: 'string', default: '4' },
    publish: { type: 'boolean', default: true },
  },
});
const plan = {
  accounts: Number(values.accounts),
  regions: REGION_POOL.slice(0, Number(values.regions)),
  clusters: Number(values.clusters),
  nodegroups: Number(values.nodegroups),
  roles: Number(values.roles),
  latency: (values.latency ?? '0-0').split('-').map(Number) as [number, number],
  accountConcurrency: Number(values['account-concurrency']),
  regionConcurrency: Number(values['region-concurrency']),
};
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

async function seed(endpoint: string): Promise<{ accounts: string[]; roles: number }> {
  const organizations = new OrganizationsClient({
    region: 'us-east-1',
    endpoint,
    credentials: MOTO_CREDENTIALS,
  });
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const accounts = [MOTO_ACCOUNT_ID];
  for (let i = 1; i < plan.accounts; i++) {
    const created = await organizations.send(
      new CreateAccountCommand({ AccountName: `m${i}`, Email: `m${i}@example.com` }),
    );
    accounts.push(created.CreateAccountStatus?.AccountId ?? '');
  }
  let roles = 0;
  for (const account of accounts) {
    const clients = seedClients(
      endpoint,
      account === MOTO_ACCOUNT_ID
        ? MOTO_CREDENTIALS
        : await memberCredentials(endpoint, account, MEMBER_ROLE),
    );
    let issuer = '';
    for (const region of plan.regions) {
      const network = plan.clusters > 0 ? await createNetwork(clients, region) : undefined;
      for (let c = 0; c < plan.clusters; c++) {
        const made = await createCluster(clients, {
          name: `c${c}`,
          region,
          version: c % 2 ? '1.32' : '1.35',
          publicAccess: c % 2 === 1,
          privateAccess: true,
          publicAccessCidrs: ['0.0.0.0/0'],
          ...(network
            ? {
                subnetIds: network.privateSubnets,
                securityGroupIds: [c % 2 ? network.openHttpsGroup : network.closedGroup],
              }
            : {}),
        });
        issuer ||= made.issuer;
        for (let n = 0; n < plan.nodegroups; n++) {
          await createNodegroup(clients, {
            cluster: `c${c}`,
            region,
            name: `n${n}`,
            subnets: n % 2 && network ? [network.publicSubnet] : (network?.privateSubnets ?? []),
          });
        }
      }
    }
    const provider = issuer ? await registerProvider(clients, issuer) : '';
    const host = issuerHost(issuer);
    // Each role has an inline policy and the account's customer-managed one: both come in the
    // authorization-details pages, so judging what the roles may do costs no call of its own.
    const shared =
      plan.roles > 0 ? await createPolicy(clients, 'workload-logs', allow('logs:PutLogEvents')) : '';
    for (let r = 0; r < plan.roles; r++) {
      await createRole(
        clients,
        `irsa-${r}`,
        irsaTrust(provider, { StringLike: { [`${host}:sub`]: `system:serviceaccount:ns${r}:*` } }),
      );
      await grant(clients, `irsa-${r}`, {
        inline: { data: allow('s3:GetObject', `arn:aws:s3:::ns${r}-data/*`) },
        attached: [shared],
      });
    }
    roles += plan.roles + (account === MOTO_ACCOUNT_ID ? 0 : 1);
  }
  return { accounts, roles };
}

/**
 * The calls the design promises, from the seeded organization's shape. The seed makes no launch
 * template, log group, GuardDuty detector or IAM user, and moto has no add-ons or insights (404):
 * DescribeLaunchTemplateVersions, GetDetector, DescribeAddon, DescribeAddonVersions and
 * DescribeInsight are not called. On AWS, DescribeAddonVersions would be once per region, add-on and
 * Kubernetes version for the whole run (one process shares it across accounts).
 */
function minimum(accounts: number, findingsPerScope: readonly number[]): Record<string, number> {
  const scopes = accounts * plan.regions.length;
  const withClusters = plan.clusters > 0 ? scopes : 0;
  return {
    'organizations:ListAccounts': Math.ceil(accounts / 20),
    'sts:GetCallerIdentity': 1,
    'sts:AssumeRole': accounts - 1,
    // Fewer than 1,000 roles and policies an account: one page with every role's inline and
    // customer-managed policies; none is AWS-managed, so no GetPolicy.
    'iam:GetAccountAuthorizationDetails': accounts,
    'iam:ListOpenIDConnectProviders': accounts,
    // One page (of up to 1,000 users) an account, empty here.
    'iam:ListUsers': accounts,
    'eks:ListClusters': scopes,
    'eks:DescribeCluster': scopes * plan.clusters,
    'eks:DescribeClusterVersions': plan.clusters > 0 ? plan.regions.length : 0,
    'eks:ListNodegroups': scopes * plan.clusters,
    'eks:DescribeNodegroup': scopes * plan.clusters * plan.nodegroups,
    // One listing per cluster; moto lacks both (404), so no entry or association is read further.
    'eks:ListAccessEntries': scopes * plan.clusters,
    'eks:ListPodIdentityAssociations': scopes * plan.clusters,
    // One listing of each per cluster; moto lacks both (404), so no add-on or insight is described.
    'eks:ListAddons': scopes * plan.clusters,
    'eks:ListInsights': scopes * plan.clusters,
    // Once per account region with clusters: one (empty) page of `/aws/eks/` log groups, and the
    // detector listing, empty, so no GetDetector.
    'logs:DescribeLogGroups': withClusters,
    'guardduty:ListDetectors': withClusters,
    // One call per resource type per account region with clusters, filtered by the ids they use.
    'ec2:DescribeSecurityGroups': withClusters,
    'ec2:DescribeSubnets': plan.clusters > 0 && plan.nodegroups > 0 ? scopes : 0,
    'ec2:DescribeRouteTables': plan.clusters > 0 && plan.nodegroups > 0 ? scopes : 0,
    ...(values.publish
      ? {
          'securityhub:GetFindings': scopes,
          'securityhub:BatchImportFindings': findingsPerScope.reduce((sum, n) => sum + Math.ceil(n / 100), 0),
        }
      : {}),
  };
}

/** The services of an account region's reads; IAM, STS and Organizations are global. */
const REGIONAL_SERVICES = new Set(['eks', 'ec2', 'kms', 'logs', 'guardduty']);

/**
 * The critical path of each account region with clusters, in round trips: a call's depth is 1 + the
 * greatest depth of the calls of the same account and region that ended before it started, and the
 * region's critical path is its greatest depth. Latency that varies between calls can only make a
 * call look later than its inputs required, never earlier: the figure is at least the true path.
 */
function criticalPaths(timings: readonly ApiCallTiming[]): { depth: number; chain: string[] }[] {
  const regions = new Map<string, ApiCallTiming[]>();
  for (const call of timings) {
    if (!REGIONAL_SERVICES.has(call.operation.split(':')[0] ?? '')) continue;
    const key = `${call.accessKeyId}/${call.region}`;
    regions.set(key, [...(regions.get(key) ?? []), call]);
  }
  const paths: { depth: number; chain: string[] }[] = [];
  for (const calls of regions.values()) {
    if (!calls.some((c) => c.operation === 'eks:DescribeCluster')) continue;
    const byStart = [...calls].sort((a, b) => a.startMs - b.startMs);
    const depths: number[] = [];
    const previous: (number | undefined)[] = [];
    byStart.forEach((call, i) => {
      let before: number | undefined;
      // Only a call that started earlier can have ended before this one started.
      for (let j = 0; j < i; j++) {
        const earlier = byStart[j];
        if (earlier === undefined || earlier.endMs > call.startMs) continue;
        if (before === undefined || (depths[j] ?? 0) > (depths[before] ?? 0)) before = j;
      }
      depths.push(before === undefined ? 1 : (depths[before] ?? 0) + 1);
      previous.push(before);
    });
    const depth = Math.max(...depths);
    const chain: string[] = [];
    for (let at: number | undefined = depths.indexOf(depth); at !== undefined; at = previous[at]) {
      chain.unshift(byStart[at]?.operation ?? '?');
    }
    paths.push({ depth, chain });
  }
  return paths.sort((a, b) => a.depth - b.depth);
}

/**
 * The fewest round trips in sequence a region's data dependencies allow on moto (see
 * lambda/collect/region.ts for the chain). On AWS it is one fewer with node groups: moto's
 * DescribeCluster echoes the request's resourcesVpcConfig, without the vpcId AWS adds, so the route
 * tables cannot be read by the clusters' VPCs beside the subnets and follow them instead.
 */
function minimumCriticalPath(): number {
  if (plan.clusters === 0) return 1; // ListClusters
  // ListClusters -> DescribeCluster with ListNodegroups -> DescribeNodegroup -> DescribeSubnets
  // -> DescribeRouteTables (by the subnets' VPCs: moto gives no cluster VPC)
  if (plan.nodegroups > 0) return 5;
  // ListClusters -> DescribeCluster -> ListAccessEntries, ListAddons, ListInsights and the rest (moto
  // has no entries, add-ons or insights to read further)
  return 3;
}

function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const moto = await startMoto();
const proxy = await startAwsProxy({ target: moto.endpoint, seed: 7, rules: [{ latencyMs: plan.latency }] });
try {
  const seeded = await seed(moto.endpoint);
  process.env.AWS_ENDPOINT_URL = proxy.endpoint;
  process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const apiCalls = new ApiCallCounter({ timings: true });
  const started = process.hrtime.bigint();
  const targets = await resolveTargets({
    homeRegion: 'us-east-1',
    apiCalls,
    organization: true,
    roleName: MEMBER_ROLE,
  });
  const run = await runScan({
    accounts: targets.accounts,
    apiCalls,
    homeRegion: 'us-east-1',
    regions: plan.regions,
    config: DEFAULT_SCAN_CONFIG,
    accountConcurrency: plan.accountConcurrency,
    regionConcurrency: plan.regionConcurrency,
  });
  const { report } = run;
  const scanned = Number(process.hrtime.bigint() - started) / 1e6;
  const publish = values.publish
    ? await publishFindings(run, {
        securityHub: (accountId, region) => clientsFor(targets, accountId).service(SECURITY_HUB, region),
      })
    : undefined;
  const total = Number(process.hrtime.bigint() - started) / 1e6;
  const actual = apiCalls.snapshot();
  const perScope = seeded.accounts.flatMap((a) =>
    plan.regions.map((r) => report.results.filter((x) => x.accountId === a && x.region === r).length),
  );
  const expected = minimum(seeded.accounts.length, perScope);
  const callTotal = Object.values(actual).reduce((a, b) => a + b, 0);
  console.log(
    `organization: ${seeded.accounts.length} accounts x ${plan.regions.length} regions, ${plan.clusters} clusters per account region with ${plan.nodegroups} node groups each, ${plan.roles} IRSA roles per account; latency ${plan.latency.join('-')} ms per call; concurrency ${plan.accountConcurrency} accounts x ${plan.regionConcurrency} regions`,
  );
  console.log(
    `scan: ${(scanned / 1000).toFixed(2)} s; with publish: ${(total / 1000).toFixed(2)} s; ${callTotal} API calls; peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
  );
  console.log(
    `results: ${report.results.length}; failed targets: ${report.targets.filter((t) => t.status === 'FAILED').length}; imported: ${publish?.targets.reduce((s, t) => s + t.imported, 0) ?? 0}; import failures: ${publish?.failures.length ?? 0}`,
  );
  console.log('\noperation                           actual  minimum');
  let atMinimum = true;
  for (const key of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
    const mark = (actual[key] ?? 0) === (expected[key] ?? 0) ? '' : '  <- differs';
    if (mark) atMinimum = false;
    console.log(
      `${key.padEnd(36)}${String(actual[key] ?? 0).padStart(6)}${String(expected[key] ?? 0).padStart(9)}${mark}`,
    );
  }
  const expectedTotal = Object.values(expected).reduce((a, b) => a + b, 0);
  console.log(`${'total'.padEnd(36)}${String(callTotal).padStart(6)}${String(expectedTotal).padStart(9)}`);
  console.log(atMinimum ? 'calls: equal to the minimum' : 'calls: NOT equal to the minimum');
  const paths = criticalPaths(await apiCalls.timings());
  const depths = paths.map((p) => p.depth);
  console.log(
    `\ncritical path: ${paths.length ? `median ${median(depths)}, max ${Math.max(...depths)}` : 'none'} round trips in sequence per account region with clusters (${paths.length} of them; minimum ${minimumCriticalPath()} on moto${plan.clusters > 0 && plan.nodegroups > 0 ? ', 4 on AWS' : ''})`,
  );
  const longest = paths.at(-1);
  if (longest) console.log(`longest: ${longest.chain.join(' -> ')}`);
  console.log(
    `per API call: ${(total / callTotal).toFixed(1)} ms of wall time (proxy saw ${proxy.stats().requests} requests)`,
  );
} finally {
  await proxy.close();
  await moto.stop();
}
