/**
 * Security Hub (REST-JSON): GetFindings and BatchImportFindings. Findings are counted per account
 * and region (for the BatchImportFindings floor) and kept only when validating: a run of 1,000
 * accounts would otherwise hold every finding in memory. GetFindings therefore answers as a first
 * run finds Security Hub: none of ours yet, unless validation kept them.
 */
import type { ServiceModule } from '../context';
import { errorAnswer, jsonAnswer } from '../protocol';

export const securityhub: ServiceModule = {
  service: 'securityhub',
  route(request, context) {
    const operation =
      request.method === 'POST' && request.path === '/findings/import'
        ? 'BatchImportFindings'
        : request.method === 'POST' && /^\/findings\/?$/.test(request.path)
          ? 'GetFindings'
          : 'Unknown';
    return {
      operation,
      respond() {
        const accountId = context.accountOf(request);
        const scope = `${accountId}/${request.region}`;
        const store = context.securityHub;
        if (operation === 'GetFindings') {
          const kept = store.findings.get(scope) ?? [];
          const start = Number(request.json.NextToken ?? 0);
          const size = Math.min(100, Number(request.json.MaxResults ?? 100));
          return jsonAnswer(
            {
              Findings: kept.slice(start, start + size),
              ...(start + size < kept.length ? { NextToken: String(start + size) } : {}),
            },
            'rest-json',
          );
        }
        if (operation === 'BatchImportFindings') {
          const findings = Array.isArray(request.json.Findings)
            ? (request.json.Findings as Record<string, unknown>[])
            : [];
          if (findings.length > 100) {
            return errorAnswer('rest-json', 400, 'InvalidInputException', 'at most 100 findings a call');
          }
          // The default product ARN takes findings only from the account they name.
          const foreign = findings.filter((f) => f.AwsAccountId !== accountId);
          const accepted = findings.filter((f) => f.AwsAccountId === accountId);
          store.importedPerScope.set(scope, (store.importedPerScope.get(scope) ?? 0) + accepted.length);
          if (store.keep) {
            const kept = store.findings.get(scope) ?? [];
            for (const finding of accepted) {
              const at = kept.findIndex((k) => k.Id === finding.Id);
              if (at >= 0) kept[at] = { ...kept[at], ...finding };
              else kept.push({ ...finding, Region: request.region });
            }
            store.findings.set(scope, kept);
          }
          return jsonAnswer(
            {
              FailedCount: foreign.length,
              SuccessCount: accepted.length,
              FailedFindings: foreign.map((f) => ({
                Id: String(f.Id ?? ''),
                ErrorCode: 'AccessDeniedException',
                ErrorMessage: 'the finding names another account',
              })),
            },
            'rest-json',
          );
        }
        return errorAnswer('rest-json', 404, 'InvalidAccessException', `stand-in has no ${request.path}`);
      },
    };
  },
};
