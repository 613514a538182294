#!/usr/bin/env node
/**
 * Runs CloudSploit's nine EKS plugins (plugins/aws/eks) against an AWS-compatible endpoint, in one
 * region, through CloudSploit's own engine: the reference side of `npm run bench:cli`.
 *
 *   AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
 *     node scripts/cloudsploit-eks.cjs /tmp/cloudsploit us-east-1 /tmp/cloudsploit-results.json
 *
 * CloudSploit (GPL-3.0, not on npm) is not a dependency: DIR is a checkout with its dependencies
 * installed (`npm install --omit=dev` in DIR). Its command line can select one plugin only and every
 * region, and its aws-sdk v2 ignores AWS_ENDPOINT_URL, so this wrapper, before calling the engine,
 * narrows the engine's plugin table to the EKS plugins, its region table to the one region (global
 * calls stay in us-east-1, as CloudSploit makes them), and passes the endpoint in the SDK config.
 * Plain CommonJS run by node, so that the reference pays no TypeScript loader at start-up.
 */
const { readdirSync } = require('node:fs');
const { Agent } = require('node:http');
const Module = require('node:module');
const { join, resolve } = require('node:path');

const [dir, region = 'us-east-1', jsonFile = '/dev/null'] = process.argv.slice(2);
if (!dir || !process.env.AWS_ENDPOINT_URL) {
  process.stderr.write(
    'usage: AWS_ENDPOINT_URL=... node scripts/cloudsploit-eks.cjs DIR [REGION] [JSON-FILE]\n',
  );
  process.exit(2);
}
const root = resolve(dir);

// The plugins of plugins/aws/eks, by their file names, which are their ids in exports.js.
const eksPlugins = readdirSync(join(root, 'plugins/aws/eks'))
  .filter((f) => f.endsWith('.js') && !f.endsWith('.spec.js'))
  .map((f) => f.replace(/\.js$/, ''));
// exports.js loads every plugin of every cloud (about 0.6 s and 35 MiB more than the EKS ones, here);
// the engine reads its `aws` table only. So its module-cache entry is filled with that table, of the
// EKS plugins alone, before the engine requires it; CLOUDSPLOIT_ALL_PLUGINS=1 loads the real one and
// narrows its table instead (what `index.js --plugin <one>` pays).
const exportsPath = require.resolve(join(root, 'exports.js'));
if (process.env.CLOUDSPLOIT_ALL_PLUGINS === '1') {
  const all = require(exportsPath).aws;
  for (const id of Object.keys(all)) if (!eksPlugins.includes(id)) delete all[id];
} else {
  const stub = new Module(exportsPath, module);
  stub.filename = exportsPath;
  stub.loaded = true;
  stub.exports = {
    aws: Object.fromEntries(eksPlugins.map((id) => [id, require(join(root, 'plugins/aws/eks', `${id}.js`))])),
  };
  require.cache[exportsPath] = stub;
}

// The engine reads this table (service -> regions) once per run, from the module cache.
const regions = require(join(root, 'helpers/aws/regions.js'));
for (const service of Object.keys(regions)) {
  if (service === 'default') continue;
  if (Array.isArray(regions[service])) regions[service] = regions[service].includes(region) ? [region] : [];
}

// The collector sets a global https.Agent (maxSockets 100) for every client, which refuses an
// http:// endpoint such as moto's; the same agent over http instead, after the collector has loaded.
require(join(root, 'collectors/aws/collector.js'));
require(join(root, 'node_modules/aws-sdk')).config.update({
  httpOptions: { agent: new Agent({ maxSockets: 100 }) },
});

const engine = require(join(root, 'engine.js'));
const cloudConfig = {
  accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'testing',
  secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'testing',
  region: 'us-east-1',
  endpoint: process.env.AWS_ENDPOINT_URL,
};
// The settings index.js would parse from `--console none --json FILE` (and its defaults).
engine(cloudConfig, {
  cloud: 'aws',
  console: 'none',
  json: jsonFile,
  skip_paginate: true, // argparse store_false: true means paginate
  'run-asl': true,
});
