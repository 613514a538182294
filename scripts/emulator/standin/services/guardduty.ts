/**
 * GuardDuty (REST-JSON, camelCase members on the wire): ListDetectors (`GET /detector`) and
 * GetDetector (`GET /detector/{id}`). AWS lists every feature of a detector, the EKS ones among
 * them; moto 5.2.1 lists only the features the detector was created with, which seed-moto.ts gives
 * as `detectorFeatures`, so the `moto` profile answers those alone.
 */
import type { ServiceModule } from '../context';
import { type DetectorFeatureModel, type DetectorModel, detectorFeatures } from '../org-model';
import { errorAnswer, jsonAnswer } from '../protocol';

/** The features AWS lists beside the EKS ones, as a detector enabled with its defaults has them. */
const OTHER_FEATURES: readonly DetectorFeatureModel[] = [
  { name: 'CLOUD_TRAIL', status: 'ENABLED' },
  { name: 'DNS_LOGS', status: 'ENABLED' },
  { name: 'FLOW_LOGS', status: 'ENABLED' },
  { name: 'S3_DATA_EVENTS', status: 'ENABLED' },
  { name: 'EBS_MALWARE_PROTECTION', status: 'DISABLED' },
  { name: 'RDS_LOGIN_EVENTS', status: 'DISABLED' },
  { name: 'LAMBDA_NETWORK_LOGS', status: 'DISABLED' },
];

function awsFeatures(detector: DetectorModel) {
  const updatedAt = 1_700_000_000;
  return [...OTHER_FEATURES, ...detectorFeatures(detector)]
    .map((feature) => ({
      name: feature.name,
      status: feature.status,
      updatedAt,
      ...(feature.name === 'RUNTIME_MONITORING'
        ? {
            additionalConfiguration: [
              ...(feature.additionalConfiguration ?? []),
              { name: 'ECS_FARGATE_AGENT_MANAGEMENT', status: 'DISABLED' },
              { name: 'EC2_AGENT_MANAGEMENT', status: 'DISABLED' },
            ].map((c) => ({ ...c, updatedAt })),
          }
        : {}),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

export const guardduty: ServiceModule = {
  service: 'guardduty',
  route(request, context) {
    const listing = request.method === 'GET' && /^\/detector\/?$/.test(request.path);
    const one = request.method === 'GET' ? /^\/detector\/([^/]+)$/.exec(request.path) : null;
    const operation = listing ? 'ListDetectors' : one ? 'GetDetector' : 'Unknown';
    return {
      operation,
      respond() {
        const accountId = context.accountOf(request);
        const detectors = context.regionOf(accountId, request.region)?.detectors ?? [];
        if (listing) {
          // At most one a region on AWS: a single page whatever maxResults asks.
          return jsonAnswer({ detectorIds: detectors.map((d) => d.id) }, 'rest-json');
        }
        const detector = detectors.find((d) => d.id === one?.[1]);
        if (!one || !detector) {
          return errorAnswer(
            'rest-json',
            400,
            'BadRequestException',
            one
              ? 'The request is rejected because the input detectorId is not owned by the current account.'
              : `stand-in GuardDuty has no ${request.method} ${request.path}`,
          );
        }
        const moto = context.profile === 'moto';
        return jsonAnswer(
          {
            createdAt: '2025-01-01T00:00:00.000Z',
            findingPublishingFrequency: 'SIX_HOURS',
            serviceRole: `arn:aws:iam::${accountId}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`,
            status: detector.status,
            updatedAt: '2025-01-01T00:00:00.000Z',
            // The legacy data sources moto reports all disabled; AWS mirrors the features in them.
            dataSources: moto
              ? {
                  cloudTrail: { status: 'DISABLED' },
                  dnsLogs: { status: 'DISABLED' },
                  flowLogs: { status: 'DISABLED' },
                  s3Logs: { status: 'DISABLED' },
                  kubernetes: { auditLogs: { status: 'DISABLED' } },
                }
              : {
                  cloudTrail: { status: 'ENABLED' },
                  dnsLogs: { status: 'ENABLED' },
                  flowLogs: { status: 'ENABLED' },
                  s3Logs: { status: 'ENABLED' },
                  kubernetes: { auditLogs: { status: detector.auditLogs ? 'ENABLED' : 'DISABLED' } },
                },
            tags: {},
            features: moto ? detectorFeatures(detector) : awsFeatures(detector),
          },
          'rest-json',
        );
      },
    };
  },
};
