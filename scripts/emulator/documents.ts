/**
 * Policy documents the emulator seeds and the tests build: plain data, with no AWS client, so that
 * unit tests can use them too.
 */

/** An identity policy of one Allow statement. */
export function allow(actions: string | readonly string[], resources: string | readonly string[] = '*') {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resources }] };
}

/** A trust policy for IRSA: one statement, the provider as principal, the given conditions. */
export function irsaTrust(
  providerArn: string,
  condition?: Record<string, Record<string, string | string[]>>,
) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  };
}

/** A trust policy for EKS Pod Identity, with the given conditions. */
export function podIdentityTrust(condition?: Record<string, Record<string, string | string[]>>) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  };
}
