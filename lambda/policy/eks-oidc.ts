/**
 * Names of EKS OIDC issuers and their IAM identity providers. An issuer is written here as its
 * host and path in lower case (`oidc.eks.us-east-1.amazonaws.com/id/abc…`): that is how IAM names
 * the provider (`…:oidc-provider/<issuer>`) and prefixes its condition keys (`<issuer>:sub`), and
 * IAM compares both without regard to case.
 */

const ISSUER = String.raw`oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/id/[a-z0-9]+`;
const PROVIDER_ARN = new RegExp(String.raw`^arn:[a-z-]+:iam::(\d{12}):oidc-provider/(${ISSUER})$`, 'i');
const ISSUER_URL = new RegExp(`^(?:https://)?(${ISSUER})/?$`, 'i');
const CONDITION_KEY = new RegExp(`^(${ISSUER}):([a-z]+)$`, 'i');
const ISSUER_REGION = new RegExp(`^${ISSUER}$`);

export interface EksProvider {
  readonly arn: string;
  readonly accountId: string;
  readonly issuer: string;
  readonly region: string;
}

/** The EKS issuer an IAM OIDC provider ARN names, or `undefined` for any other principal. */
export function parseEksProviderArn(arn: string): EksProvider | undefined {
  const match = PROVIDER_ARN.exec(arn);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return { arn, accountId: match[1], issuer: match[2].toLowerCase(), region: match[3].toLowerCase() };
}

/** `https://oidc.eks.<region>.amazonaws.com/id/<ID>` → issuer, or `undefined` when it is not an EKS issuer. */
export function issuerFromUrl(url: string): string | undefined {
  return ISSUER_URL.exec(url)?.[1]?.toLowerCase();
}

/** `<issuer>:sub` → `{ issuer, claim: 'sub' }`; `undefined` for keys that are not EKS OIDC claims. */
export function parseEksConditionKey(key: string): { issuer: string; claim: string } | undefined {
  const match = CONDITION_KEY.exec(key);
  if (!match?.[1] || !match[3]) return undefined;
  return { issuer: match[1].toLowerCase(), claim: match[3].toLowerCase() };
}

export function issuerRegion(issuer: string): string {
  const region = ISSUER_REGION.exec(issuer)?.[1];
  if (region === undefined) throw new Error(`'${issuer}' is not an EKS OIDC issuer`);
  return region;
}
