/** STS (AWS query, XML): GetCallerIdentity and AssumeRole into a member account's role. */
import { memberAccessKey, type ServiceModule } from '../context';
import { accountIndexOf } from '../org-model';
import { el, errorAnswer, queryAnswer } from '../protocol';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export const sts: ServiceModule = {
  service: 'sts',
  route(request, context) {
    const operation = request.action;
    return {
      operation,
      respond() {
        const caller = context.accountOf(request);
        if (operation === 'GetCallerIdentity') {
          // The Lambda's own role session in the management account; a member's assumed role elsewhere.
          const arn = `arn:aws:sts::${caller}:assumed-role/eks-posture-scanner/eks-posture`;
          return queryAnswer(
            operation,
            NS,
            el('Arn', arn) + el('UserId', 'AROASTANDINSCANNER:eks-posture') + el('Account', caller),
          );
        }
        if (operation === 'AssumeRole') {
          const roleArn = request.form.get('RoleArn') ?? '';
          const target = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
          const accountId = target?.[1] ?? '';
          if (!target || accountIndexOf(accountId) >= context.plan.accounts) {
            return errorAnswer(
              'query',
              403,
              'AccessDenied',
              `not authorized to perform sts:AssumeRole on ${roleArn}`,
            );
          }
          const expiration = new Date(Date.now() + 3600_000).toISOString();
          return queryAnswer(
            operation,
            NS,
            `<Credentials>${el('AccessKeyId', memberAccessKey(accountId))}${el('SecretAccessKey', 'standin-secret')}${el('SessionToken', `standin-session-${accountId}`)}${el('Expiration', expiration)}</Credentials>` +
              `<AssumedRoleUser>${el('AssumedRoleId', 'AROASTANDINMEMBER:eks-posture')}${el('Arn', `arn:aws:sts::${accountId}:assumed-role/${target[2]}/${request.form.get('RoleSessionName') ?? 's'}`)}</AssumedRoleUser>`,
          );
        }
        return errorAnswer('query', 400, 'InvalidAction', `stand-in STS does not implement ${operation}`);
      },
    };
  },
};
