/**
 * Whether many principals may assume a role: its trust policy lets `*` (anyone), or an account as a
 * whole (`arn:aws:iam::<account>:root` or the bare account id: every principal of that account whose
 * own policies allow it), call sts:AssumeRole without a condition. A condition may restrict the
 * caller (MFA, an external id, an organisation), so a conditioned statement is not counted, and a
 * Deny for the same principals that always applies takes the statement back.
 *
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
 */
import type { Readout } from '../model/readout';
import type { RoleSnapshot } from '../model/snapshot';
import { coversAction, type Statement } from './trust-document';

const ASSUME_ROLE = 'sts:AssumeRole';
const ACCOUNT_PRINCIPAL = /^(?:arn:[^:]+:iam::(\d{12}):root|(\d{12}))$/;

/** Who, as a phrase, when many principals may assume the role; `undefined` when none is that wide. */
export function readsAssumableByMany(role: RoleSnapshot): Readout<string | undefined> {
  if (!role.trust.known)
    return { known: false, reason: `its trust policy cannot be read: ${role.trust.reason}` };
  const statements = role.trust.value.statements.filter((s) => coversAction(s, ASSUME_ROLE));
  const unconditionalDeny = statements.filter((s) => s.effect === 'Deny' && s.conditions.length === 0);
  // A Deny for every principal (`*` or `{"AWS": "*"}`) takes back every Allow.
  if (unconditionalDeny.some((s) => widePrincipals(s).includes('*')))
    return { known: true, value: undefined };
  const who = new Set<string>();
  for (const statement of statements) {
    if (statement.effect !== 'Allow' || statement.conditions.length > 0) continue;
    for (const principal of widePrincipals(statement)) {
      if (!unconditionalDeny.some((d) => widePrincipals(d).includes(principal))) who.add(principal);
    }
  }
  if (who.size === 0) return { known: true, value: undefined };
  return {
    known: true,
    value: [...who]
      .sort()
      .map((p) => (p === '*' ? 'anyone' : `every principal of account ${p}`))
      .join(' and '),
  };
}

/** `*` or the account ids a statement names as whole accounts. */
function widePrincipals(statement: Statement): string[] {
  if (statement.principal.kind === 'any') return ['*'];
  return statement.principal.aws.flatMap((p) => {
    if (p === '*') return ['*'];
    const match = ACCOUNT_PRINCIPAL.exec(p);
    return match ? [match[1] ?? match[2] ?? p] : [];
  });
}
