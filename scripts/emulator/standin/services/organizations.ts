/** Organizations (JSON 1.1): ListAccounts, 20 a page as the scanner asks, every account ACTIVE. */
import type { ServiceModule } from '../context';
import { accountIds, MANAGEMENT_ACCOUNT } from '../org-model';
import { errorAnswer, jsonAnswer } from '../protocol';

export const organizations: ServiceModule = {
  service: 'organizations',
  route(request, context) {
    const operation = request.action;
    return {
      operation,
      respond() {
        if (operation !== 'ListAccounts') {
          return errorAnswer(
            'json',
            400,
            'InvalidInputException',
            `stand-in does not implement ${operation}`,
          );
        }
        const all = accountIds(context.plan);
        const start = Number(request.json.NextToken ?? 0);
        const size = Math.min(20, Number(request.json.MaxResults ?? 20));
        const page = all.slice(start, start + size);
        return jsonAnswer({
          Accounts: page.map((id, i) => ({
            Id: id,
            Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:account/o-standin/${id}`,
            Email: `a${start + i}@example.com`,
            Name: `account-${start + i}`,
            Status: 'ACTIVE',
            State: 'ACTIVE',
            JoinedMethod: id === MANAGEMENT_ACCOUNT ? 'INVITED' : 'CREATED',
            JoinedTimestamp: 1_700_000_000,
          })),
          ...(start + size < all.length ? { NextToken: String(start + size) } : {}),
        });
      },
    };
  },
};
