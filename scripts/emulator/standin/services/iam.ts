/**
 * IAM (AWS query, XML): GetAccountAuthorizationDetails (trust documents URL-encoded, as AWS sends
 * them), OIDC providers and users.
 */
import type { ServiceModule } from '../context';
import { el, errorAnswer, queryAnswer } from '../protocol';

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

export const iam: ServiceModule = {
  service: 'iam',
  route(request, context) {
    const operation = request.action;
    return {
      operation,
      respond() {
        const model = context.model(context.accountOf(request));
        if (operation === 'GetAccountAuthorizationDetails') {
          // Roles only: the model's roles have no policies, so the LocalManagedPolicy pages are empty
          // and nothing is read with GetPolicy. AWS pages at MaxItems (at most 1,000); moto ignores
          // MaxItems and answers in one page.
          const start = Number(request.form.get('Marker') ?? 0);
          const size =
            context.profile === 'moto'
              ? model.roles.length
              : Math.min(1000, Number(request.form.get('MaxItems') ?? 100));
          const page = model.roles.slice(start, start + size);
          const truncated = start + size < model.roles.length;
          // moto returns the document as raw JSON; AWS URL-encodes it. The scanner reads both.
          const encode = (trust: string) => (context.profile === 'moto' ? trust : encodeURIComponent(trust));
          const members = page
            .map(
              (role) =>
                `<member>${el('Path', '/')}${el('RoleName', role.name)}${el('RoleId', role.id)}${el('Arn', role.arn)}${el('CreateDate', '2025-01-01T00:00:00Z')}${el('AssumeRolePolicyDocument', encode(role.trust))}<InstanceProfileList/><RolePolicyList/><AttachedManagedPolicies/><Tags/></member>`,
            )
            .join('');
          return queryAnswer(
            operation,
            NS,
            `${el('IsTruncated', truncated)}<UserDetailList/><GroupDetailList/><RoleDetailList>${members}</RoleDetailList><Policies/>${truncated ? el('Marker', String(start + size)) : ''}`,
          );
        }
        if (operation === 'ListUsers') {
          // AWS pages at MaxItems (at most 1,000); moto ignores MaxItems and answers in one page.
          const start = Number(request.form.get('Marker') ?? 0);
          const size =
            context.profile === 'moto'
              ? model.users.length
              : Math.min(1000, Number(request.form.get('MaxItems') ?? 100));
          const truncated = start + size < model.users.length;
          const members = model.users
            .slice(start, start + size)
            .map(
              (user) =>
                `<member>${el('Path', '/')}${el('UserName', user.name)}${el('UserId', user.id)}${el('Arn', user.arn)}${el('CreateDate', '2025-01-01T00:00:00Z')}</member>`,
            )
            .join('');
          return queryAnswer(
            operation,
            NS,
            `<Users>${members}</Users>${el('IsTruncated', truncated)}${truncated ? el('Marker', String(start + size)) : ''}`,
          );
        }
        if (operation === 'ListOpenIDConnectProviders') {
          const members = model.oidcProviderArns.map((arn) => `<member>${el('Arn', arn)}</member>`).join('');
          return queryAnswer(
            operation,
            NS,
            `<OpenIDConnectProviderList>${members}</OpenIDConnectProviderList>`,
          );
        }
        return errorAnswer('query', 400, 'InvalidAction', `stand-in IAM does not implement ${operation}`);
      },
    };
  },
};
