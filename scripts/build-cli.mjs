// Bundles the CLI into one file for the package's `eks-posture` bin entry.
import { build } from 'esbuild';

await build({
  entryPoints: ['bin/eks-posture.ts'],
  outfile: 'dist/eks-posture.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner: {
    // Bundled CommonJS dependencies still call require(); give ESM output one.
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
