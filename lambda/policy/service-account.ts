/**
 * The subjects of Kubernetes service-account tokens, `system:serviceaccount:<namespace>:<name>`: a
 * namespace is a DNS label and a name a DNS subdomain, both lower case, so a subject holds no upper
 * case letter and no other ':'. Every `<issuer>:sub` of an EKS token is one of them.
 * https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 */
import { globToRegExp } from './glob';

export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
const SUBJECT = /^system:serviceaccount:[a-z0-9]([a-z0-9-]*[a-z0-9])?:[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

export function isServiceAccountSubject(value: string): boolean {
  return SUBJECT.test(value);
}

/**
 * Whether a glob matches every service-account subject. A glob that matches subjects made of a
 * character it does not contain, at the shortest and longest lengths Kubernetes allows, can only
 * do so through its wildcards, and so matches every subject; with no such character it cannot be
 * proven and the answer is yes (fail closed).
 */
export function globMatchesEveryServiceAccount(glob: string): boolean {
  const fresh = [...'abcdefghijklmnopqrstuvwxyz0123456789'].find((c) => !glob.includes(c));
  if (fresh === undefined) return true;
  const pattern = globToRegExp(glob, false);
  return [1, 2, 63].every((ns) =>
    [1, 2, 253].every((name) =>
      pattern.test(`${SERVICE_ACCOUNT_PREFIX}${fresh.repeat(ns)}:${fresh.repeat(name)}`),
    ),
  );
}

/**
 * Whether a glob provably matches no service-account subject: a literal character a subject never
 * holds (upper case and the like), or a fixed start that departs from `system:serviceaccount:`.
 * `false` means "may match".
 */
export function globMatchesNoServiceAccount(glob: string): boolean {
  if (/[^a-z0-9.:*?-]/.test(glob)) return true;
  const wildcard = glob.search(/[*?]/);
  const literalPrefix = wildcard < 0 ? glob : glob.slice(0, wildcard);
  if (wildcard < 0) return !isServiceAccountSubject(glob);
  return (
    !SERVICE_ACCOUNT_PREFIX.startsWith(literalPrefix) && !literalPrefix.startsWith(SERVICE_ACCOUNT_PREFIX)
  );
}
