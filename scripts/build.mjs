/**
 * The two bundles, built with esbuild from the same options wherever they are made:
 *
 *   node scripts/build.mjs cli [--outdir dist] [--metafile FILE]      the `eks-posture` bin (npm run build)
 *   node scripts/build.mjs handler --outdir DIR [--metafile FILE]    the Lambda function (the CDK app)
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
  options: { outdir: { type: 'string' }, metafile: { type: 'string' } },
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
