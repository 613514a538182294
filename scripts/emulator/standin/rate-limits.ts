/**
 * Security Hub's published API rate limits, per account and region, as token buckets: a request
 * that finds the bucket empty is answered as Security Hub answers it (HTTP 429,
 * TooManyRequestsException), so the SDK's retries are exercised.
 *
 * BatchImportFindings: 10 requests/s, burst 30
 *   https://docs.aws.amazon.com/securityhub/latest/partnerguide/guidelines-batchimportfindings.html
 * GetFindings: 3 requests/s, burst 6 (the API reference's throttling limits)
 *   https://docs.aws.amazon.com/securityhub/1.0/APIReference/Welcome.html
 */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

export const SECURITY_HUB_LIMITS: Readonly<Record<string, RateLimit>> = {
  'securityhub:BatchImportFindings': { perSecond: 10, burst: 30 },
  'securityhub:GetFindings': { perSecond: 3, burst: 6 },
};

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limits: Readonly<Record<string, RateLimit>>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a token for `<service>:<Operation>` in the scope (account and region); false when throttled. */
  take(operation: string, scope: string): boolean {
    const limit = this.limits[operation];
    if (!limit) return true;
    const key = `${scope}|${operation}`;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
