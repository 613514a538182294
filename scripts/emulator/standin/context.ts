/** What every service module of the stand-in is given: the organization's model, and who is calling. */
import {
  type AccountModel,
  accountModel,
  MANAGEMENT_ACCOUNT,
  type OrgPlan,
  type RegionModel,
} from './org-model';
import type { Answer, AwsRequest } from './protocol';

/** `aws` answers as AWS does; `moto` reproduces moto 5.2.1's gaps (AWS-NOTES.md), for validation against it. */
export type Profile = 'aws' | 'moto';

/** The findings a run imported, by account and region (kept only when asked: validation). */
export interface FindingStore {
  readonly keep: boolean;
  readonly findings: Map<string, Record<string, unknown>[]>;
  /** Findings imported per `<account>/<region>`, counted always (for the BatchImportFindings floor). */
  readonly importedPerScope: Map<string, number>;
}

export interface ServiceContext {
  readonly plan: OrgPlan;
  readonly profile: Profile;
  /** The account whose credentials signed the request. */
  accountOf(request: AwsRequest): string;
  model(accountId: string): AccountModel;
  /** The region's model, or undefined for a region without clusters (most of them). */
  regionOf(accountId: string, region: string): RegionModel | undefined;
  readonly securityHub: FindingStore;
}

/** A routed request: its operation (for counting and rate limits), and how to answer it. */
export interface Routed {
  readonly operation: string;
  respond(): Answer;
}

export interface ServiceModule {
  /** The signing name (`eks`, `sts`…). */
  readonly service: string;
  route(request: AwsRequest, context: ServiceContext): Routed;
}

/** Member credentials the stand-in's STS hands out: `ASIA` + account id + `STND`. */
export const memberAccessKey = (accountId: string): string => `ASIA${accountId}STND`;

export function createContext(plan: OrgPlan, profile: Profile, keepFindings: boolean): ServiceContext {
  const cache = new Map<string, AccountModel>();
  const model = (accountId: string): AccountModel => {
    let found = cache.get(accountId);
    if (!found) {
      found = accountModel(plan, accountId);
      // A warm invocation asks about one account ~200 times: keep the last few models.
      if (cache.size >= 256) cache.delete(cache.keys().next().value as string);
      cache.set(accountId, found);
    }
    return found;
  };
  return {
    plan,
    profile,
    accountOf: (request) => /^ASIA(\d{12})STND$/.exec(request.accessKeyId)?.[1] ?? MANAGEMENT_ACCOUNT,
    model,
    regionOf: (accountId, region) => model(accountId).regions.find((r) => r.region === region),
    securityHub: { keep: keepFindings, findings: new Map(), importedPerScope: new Map() },
  };
}
