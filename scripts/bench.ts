/**
 * `npm run bench`: an organization seeded into moto, scanned (and published) end to end, optionally
 * behind a proxy that adds per-call latency. Prints wall time, API calls by operation against the
 * minimum the design promises, peak memory and findings. A benchmark to run, not a test.
 *
 *   npm run bench -- --accounts 20 --regions 3 --clusters 2 --nodegroups 1 --roles 50 --latency 50-100
 */
import { parseArgs } from 'node:util';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { ApiCallCounter } from '../lambda/collect/api-calls';
import { publishFindings } from '../lambda/publish/publish';
import { DEFAULT_SCAN_CONFIG } from '../lambda/scan/config';
import { runScan } from '../lambda/scan/scan';
import { clientsFor, resolveTargets } from '../lambda/scan/targets';
import { startAwsProxy } from '../test/support/aws-proxy';
import { memberCredentials, seedClients } from './emulator/clients';
import {
  createCluster,
  createNetwork,
  createNodegroup,
  createRole,
  irsaTrust,
  issuerHost,
  registerProvider,
} from './emulator/demo-account';
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, startMoto } from './emulator/moto';

const REGION_POOL = [
  'eu-west-1',
  'us-east-1',
  'ap-southeast-2',
  'eu-central-1',
  'us-west-2',
  'sa-east-1',
  'ap-northeast-1',
  'ap-south-1',
  'ca-central-1',
  'eu-north-1',
  'eu-west-2',
  'eu-west-3',
  'us-east-2',
  'us-west-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-northeast-3',
];
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
    for (let r = 0; r < plan.roles; r++) {
      await createRole(
        clients,
        `irsa-${r}`,
        irsaTrust(provider, { StringLike: { [`${host}:sub`]: `system:serviceaccount:ns${r}:*` } }),
      );
    }
    roles += plan.roles + (account === MOTO_ACCOUNT_ID ? 0 : 1);
  }
  return { accounts, roles };
}

/** The calls the design promises, from the seeded organization's shape. */
function minimum(accounts: number, findingsPerScope: readonly number[]): Record<string, number> {
  const scopes = accounts * plan.regions.length;
  return {
    'organizations:ListAccounts': Math.ceil(accounts / 20),
    'sts:GetCallerIdentity': 1,
    'sts:AssumeRole': accounts - 1,
    'iam:ListRoles': accounts, // fewer than 1,000 roles an account: one page
    'iam:ListOpenIDConnectProviders': accounts,
    'eks:ListClusters': scopes,
    'eks:DescribeCluster': scopes * plan.clusters,
    'eks:DescribeClusterVersions': plan.clusters > 0 ? plan.regions.length : 0,
    'eks:ListNodegroups': scopes * plan.clusters,
    'eks:DescribeNodegroup': scopes * plan.clusters * plan.nodegroups,
    // One listing per cluster; moto lacks both (404), so no entry or association is read further.
    'eks:ListAccessEntries': scopes * plan.clusters,
    'eks:ListPodIdentityAssociations': scopes * plan.clusters,
    // One call per resource type per account region with clusters, filtered by the ids they use.
    'ec2:DescribeSecurityGroups': plan.clusters > 0 ? scopes : 0,
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

const moto = await startMoto();
const proxy = await startAwsProxy({ target: moto.endpoint, seed: 7, rules: [{ latencyMs: plan.latency }] });
try {
  const seeded = await seed(moto.endpoint);
  process.env.AWS_ENDPOINT_URL = proxy.endpoint;
  process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const apiCalls = new ApiCallCounter();
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
        securityHub: (accountId, region) => clientsFor(targets, accountId).securityHub(region),
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
  for (const key of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
    const mark = (actual[key] ?? 0) === (expected[key] ?? 0) ? '' : '  <- differs';
    console.log(
      `${key.padEnd(36)}${String(actual[key] ?? 0).padStart(6)}${String(expected[key] ?? 0).padStart(9)}${mark}`,
    );
  }
  console.log(
    `\nper API call: ${(total / callTotal).toFixed(1)} ms of wall time (proxy saw ${proxy.stats().requests} requests)`,
  );
} finally {
  await proxy.close();
  await moto.stop();
}
