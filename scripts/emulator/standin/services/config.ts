/**
 * AWS Config (JSON 1.1), the three reads of `--discovery config:<aggregator>`: one organization
 * aggregator over every region, whose sources all succeeded an hour ago, a recorder recording every
 * supported type in every account region, and the model's clusters. Advanced queries are read only
 * as far as the scanner writes them: `resourceType = '…'`, optional `awsRegion = '…'`, and
 * `accountId = '…'` terms (any number, OR-ed); pages of `Limit` rows with an offset as NextToken.
 * https://docs.aws.amazon.com/config/latest/APIReference/API_SelectAggregateResourceConfig.html
 */
import type { ServiceModule } from '../context';
import { accountIds, MANAGEMENT_ACCOUNT } from '../org-model';
import { errorAnswer, jsonAnswer } from '../protocol';

export const AGGREGATOR = 'org-eks';

export const config: ServiceModule = {
  service: 'config',
  route(request, context) {
    const operation = request.action;
    return {
      operation,
      respond() {
        const { plan } = context;
        switch (operation) {
          case 'DescribeConfigurationAggregators':
            return jsonAnswer({
              ConfigurationAggregators: [
                {
                  ConfigurationAggregatorName: AGGREGATOR,
                  ConfigurationAggregatorArn: `arn:aws:config:${request.region}:${MANAGEMENT_ACCOUNT}:config-aggregator/config-aggregator-standin`,
                  OrganizationAggregationSource: {
                    RoleArn: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/config-aggregator`,
                    AllAwsRegions: true,
                  },
                },
              ],
            });
          case 'DescribeConfigurationAggregatorSourcesStatus':
            return jsonAnswer({
              AggregatedSourceStatusList: plan.regions.map((AwsRegion) => ({
                SourceId: 'o-standin',
                SourceType: 'ORGANIZATION',
                AwsRegion,
                LastUpdateStatus: 'SUCCEEDED',
                // JSON 1.1 timestamps are epoch seconds.
                LastUpdateTime: Math.floor(Date.now() / 1000) - 3600,
              })),
            });
          case 'SelectAggregateResourceConfig': {
            const expression = String(request.json.Expression ?? '');
            const type = /resourceType = '([^']+)'/.exec(expression)?.[1];
            const region = /awsRegion = '([^']+)'/.exec(expression)?.[1];
            const named = [...expression.matchAll(/accountId = '(\d{12})'/g)].map((m) => m[1] as string);
            const accounts = named.length > 0 ? named : accountIds(plan);
            const regions = region ? [region] : plan.regions;
            const rows =
              type === 'AWS::Config::ConfigurationRecorder'
                ? accounts.flatMap((accountId) =>
                    regions.map((awsRegion) =>
                      JSON.stringify({
                        accountId,
                        awsRegion,
                        configurationItemStatus: 'OK',
                        configuration: {
                          Name: 'default',
                          Recording: true,
                          RecordingGroup: { AllSupported: true },
                        },
                      }),
                    ),
                  )
                : type === 'AWS::EKS::Cluster'
                  ? accounts.flatMap((accountId) =>
                      regions.flatMap((awsRegion) =>
                        (context.regionOf(accountId, awsRegion)?.clusters ?? []).map((cluster) =>
                          JSON.stringify({ accountId, awsRegion, resourceId: cluster.name }),
                        ),
                      ),
                    )
                  : undefined;
            if (rows === undefined) {
              return errorAnswer(
                'json',
                400,
                'InvalidExpressionException',
                `stand-in cannot answer ${expression}`,
              );
            }
            const limit = Number(request.json.Limit ?? 100);
            const start = Number(request.json.NextToken ?? 0);
            const next = start + limit < rows.length ? { NextToken: String(start + limit) } : {};
            return jsonAnswer({ Results: rows.slice(start, start + limit), ...next });
          }
          default:
            return errorAnswer(
              'json',
              400,
              'UnsupportedOperationException',
              `stand-in does not implement ${operation}`,
            );
        }
      },
    };
  },
};
