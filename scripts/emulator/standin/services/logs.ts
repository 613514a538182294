/**
 * CloudWatch Logs (JSON 1.1): DescribeLogGroups by name prefix, paged at `limit` (at most 50) with
 * the stand-in's own token. In the `moto` profile the answer has moto 5.2.1's shape: a
 * `nextToken` of null on the last page, and no log group class.
 */
import type { ServiceModule } from '../context';
import { errorAnswer, jsonAnswer } from '../protocol';

export const logs: ServiceModule = {
  service: 'logs',
  route(request, context) {
    const operation = request.action;
    return {
      operation,
      respond() {
        if (operation !== 'DescribeLogGroups') {
          return errorAnswer(
            'json',
            400,
            'UnrecognizedClientException',
            `stand-in CloudWatch Logs does not implement ${operation}`,
          );
        }
        const moto = context.profile === 'moto';
        const accountId = context.accountOf(request);
        const prefix =
          typeof request.json.logGroupNamePrefix === 'string' ? request.json.logGroupNamePrefix : '';
        const groups = (context.regionOf(accountId, request.region)?.logGroups ?? []).filter((g) =>
          g.name.startsWith(prefix),
        );
        const start = Number(request.json.nextToken ?? 0);
        const size = Math.min(50, Number(request.json.limit ?? 50));
        const more = start + size < groups.length;
        const arn = (name: string) => `arn:aws:logs:${request.region}:${accountId}:log-group:${name}`;
        return jsonAnswer({
          logGroups: groups.slice(start, start + size).map((g) => ({
            logGroupName: g.name,
            creationTime: 1_700_000_000_000,
            ...(g.retentionInDays === undefined ? {} : { retentionInDays: g.retentionInDays }),
            metricFilterCount: 0,
            arn: `${arn(g.name)}:*`,
            storedBytes: 0,
            ...(moto ? {} : { logGroupClass: 'STANDARD' }),
            logGroupArn: arn(g.name),
          })),
          ...(more ? { nextToken: String(start + size) } : moto ? { nextToken: null } : {}),
        });
      },
    };
  },
};
