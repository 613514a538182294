/**
 * The two bundles, built with esbuild from the same options wherever they are made:
 *
 *   node scripts/build.mjs cli [--outdir dist] [--metafile FILE] [--sizes]      the `eks-posture` bin (npm run build)
 *   node scripts/build.mjs handler --outdir DIR [--metafile FILE] [--sizes]    the Lambda function (the CDK app)
 *
 * `--sizes` prints the JavaScript's bytes (source maps and license files apart): all of it, what a
 * run loads before it starts, and each chunk loaded on demand with the modules that weigh most in it.
 *
 * The CLI is split into chunks loaded on demand (Security Hub only with --publish, Organizations
 * only over several accounts, each output format only when chosen); the Lambda the same way, though
 * every invocation publishes. Both are minified with a source map beside each file.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

/**
 * The AWS SDK's generated schema modules hold every shape of a service and key some objects by a
 * constant (`{ [_jN]: _n }`). esbuild cannot tell such a computed key is free of side effects, so it
 * keeps every shape: 540 KB of EC2 shapes for four operations. Writing the constant's string in its
 * place (`{ "jsonName": _n }`) is the same object, and lets the unused shapes be dropped.
 */
const schemaKeys = {
  name: 'sdk-schema-keys',
  setup(builder) {
    builder.onLoad(
      { filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ },
      async (args) => {
        const text = await readFile(args.path, 'utf8');
        const constants = new Map();
        for (const match of text.matchAll(/^const (_[\w$]+) = ("(?:[^"\\]|\\.)*");$/gm)) {
          constants.set(match[1], match[2]);
        }
        const contents = text.replace(/\[(_[\w$]+)\]:/g, (whole, name) => {
          const value = constants.get(name);
          return value === undefined ? whole : `${value}:`;
        });
        return { contents, loader: 'js' };
      },
    );
  },
};

const COMMON = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  // The SDK's ES modules (module before main) are the ones that tree-shake.
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  // Code a run may not need is imported with import() and lands in its own chunk. Without splitting,
  // esbuild would inline it in a lazy wrapper that keeps every export of the SDK clients behind it.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  plugins: [schemaKeys],
  banner: {
    // Bundled CommonJS dependencies still call require(); give ESM output one.
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
  metafile: true,
};

const BUNDLES = {
  cli: (outdir) => ({
    ...COMMON,
    entryPoints: { 'eks-posture': 'bin/eks-posture.ts' },
    outdir,
    target: 'node20',
  }),
  // The handler file name is the one the template's Handler names (index.handler).
  handler: (outdir) => ({
    ...COMMON,
    entryPoints: { index: 'lambda/handler.ts' },
    outdir,
    target: 'node22',
  }),
};

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { outdir: { type: 'string' }, metafile: { type: 'string' }, sizes: { type: 'boolean' } },
});
const [kind] = positionals;
if (kind !== 'cli' && kind !== 'handler') {
  process.stderr.write('usage: node scripts/build.mjs cli|handler [--outdir DIR] [--metafile FILE]\n');
  process.exit(2);
}
const outdir = values.outdir ?? (kind === 'cli' ? 'dist' : undefined);
if (!outdir) {
  process.stderr.write('build: --outdir is required for the handler\n');
  process.exit(2);
}
// Chunk names carry a content hash: drop the previous build's so that none is left behind.
await rm(join(outdir, 'chunks'), { recursive: true, force: true });
const result = await build(BUNDLES[kind](outdir));
if (values.metafile) await writeFile(values.metafile, JSON.stringify(result.metafile));
if (values.sizes) printSizes(result.metafile);

/** Bytes of the output's JavaScript, by what loads when. */
function printSizes(metafile) {
  const outputs = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
  const byFile = new Map(outputs);
  const main = Object.values(BUNDLES[kind]('.').entryPoints)[0];
  const [entry] = outputs.find(([, output]) => output.entryPoint === main) ?? [];
  const atStart = new Set();
  const visit = (file) => {
    if (atStart.has(file) || !byFile.has(file)) return;
    atStart.add(file);
    for (const imported of byFile.get(file).imports)
      if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entry);
  const sum = (files) => files.reduce((total, file) => total + byFile.get(file).bytes, 0);
  const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
  const heaviest = (files) => {
    const weights = new Map();
    for (const file of files)
      for (const [input, { bytesInOutput }] of Object.entries(byFile.get(file).inputs)) {
        const name =
          input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? input.split('/').slice(0, 2).join('/');
        weights.set(name, (weights.get(name) ?? 0) + bytesInOutput);
      }
    return [...weights]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([name, bytes]) => `${name} ${kb(bytes)}`)
      .join(', ');
  };
  const all = outputs.map(([file]) => file);
  console.log(`${kind}: ${kb(sum(all))} of JavaScript in ${all.length} files`);
  console.log(
    `  loaded at start: ${kb(sum([...atStart]))} in ${atStart.size} files (${heaviest([...atStart])})`,
  );
  // Each dynamically imported chunk with what it alone brings (chunks shared with the start set are not counted twice).
  for (const [file, output] of outputs) {
    if (atStart.has(file) || !output.entryPoint) continue;
    const brought = new Set();
    const add = (f) => {
      if (brought.has(f) || atStart.has(f) || !byFile.has(f)) return;
      brought.add(f);
      for (const imported of byFile.get(f).imports)
        if (imported.kind === 'import-statement') add(imported.path);
    };
    add(file);
    console.log(`  on demand ${output.entryPoint}: ${kb(sum([...brought]))} (${heaviest([...brought])})`);
  }
}
