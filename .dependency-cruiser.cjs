/**
 * The layering of the scanner, checked on every `npm test` (type-only imports count: the swc parser
 * sees them). Data flows one way: collect → checks → scan (coverage) → report and publish.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const layer = (name) => `^lambda/${name}/`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle, type-only ones included, means two layers depend on each other.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'model-is-the-bottom',
      severity: 'error',
      comment: 'The shared vocabulary depends on no layer above it.',
      from: { path: layer('model') },
      to: {
        path: [
          layer('checks'),
          layer('collect'),
          layer('mutelist'),
          layer('publish'),
          layer('report'),
          layer('scan'),
        ],
      },
    },
    {
      name: 'libraries-depend-on-model-only',
      severity: 'error',
      comment: 'IAM policy, CIDR and Kubernetes release logic are pure libraries below the checks.',
      from: { path: [layer('policy'), layer('net'), layer('kubernetes')] },
      to: { path: [layer('checks'), layer('collect'), layer('publish'), layer('report'), layer('scan')] },
    },
    {
      name: 'mutelist-judges-results-only',
      severity: 'error',
      comment:
        'Muting is a pure step over results: it reads no AWS and knows no check, collector or publisher.',
      from: { path: layer('mutelist') },
      to: {
        path: [
          layer('checks'),
          layer('collect'),
          layer('publish'),
          layer('report'),
          layer('scan'),
          '^node_modules/@aws-sdk/',
        ],
      },
    },
    {
      name: 'checks-are-pure',
      severity: 'error',
      comment: 'Checks judge snapshots: no collector, publisher, scan orchestration or AWS SDK.',
      from: { path: layer('checks') },
      to: {
        path: [layer('collect'), layer('publish'), layer('scan'), layer('report'), '^node_modules/@aws-sdk/'],
      },
    },
    {
      name: 'collect-knows-no-checks',
      severity: 'error',
      comment: 'Collectors read AWS into snapshots; what is judged of them is not their business.',
      from: { path: layer('collect') },
      to: { path: [layer('checks'), layer('publish'), layer('report'), layer('scan')] },
    },
    {
      name: 'publish-and-report-read-results-and-coverage',
      severity: 'error',
      comment: 'Publish and report never reach back into checks or collectors: coverage says what completed.',
      from: { path: [layer('publish'), layer('report')] },
      to: { path: [layer('checks'), layer('collect'), layer('scan')] },
    },
    {
      name: 'report-needs-no-security-hub',
      severity: 'error',
      comment: 'Rendering a report pulls in neither the publisher nor any AWS SDK.',
      from: { path: layer('report') },
      to: { path: [layer('publish'), '^node_modules/@aws-sdk/'] },
    },
    {
      name: 'runtime-code-has-no-cdk',
      severity: 'error',
      comment: 'The Lambda bundle and the CLI must not import the CDK.',
      from: { path: ['^lambda/', '^bin/eks-posture\\.ts$', '^bin/demo\\.ts$'] },
      to: { path: '^node_modules/(aws-cdk-lib|aws-cdk|constructs|cdk-nag)/' },
    },
    {
      name: 'runtime-code-ignores-the-shells',
      severity: 'error',
      comment:
        'Scan logic lives in lambda/; the CDK app, the CLI and the demo are built on it, not the other way round.',
      from: { path: '^lambda/' },
      to: { path: ['^lib/', '^bin/', '^scripts/'] },
    },
    {
      name: 'nothing-ships-test-code',
      severity: 'error',
      comment: 'Tests may import the product and the demo; neither imports tests (benchmark scripts may).',
      from: { path: ['^lambda/', '^lib/', '^bin/'] },
      to: { path: '^test/' },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^node_modules/', '^dist/', '^cdk\\.out/'] },
  },
};
