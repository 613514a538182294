/**
 * The backend of `npm run bench:org`: one node:http server in front of either the stand-in's
 * service modules (answered in process) or moto (forwarded). Either way it adds the per-call
 * latency, enforces Security Hub's rate limits per account and region, and counts every request by
 * `<service>:<Operation>`: answered, throttled, failed. A new service is a new module in
 * `services/` and one line in `MODULES` (AWS Config's SelectAggregateResourceConfig, for one).
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createContext, type Profile, type ServiceContext, type ServiceModule } from './context';
import { type LatencyModel, latencySampler, NO_LATENCY } from './latency';
import type { OrgPlan } from './org-model';
import { type Answer, errorAnswer, PROTOCOLS, parseRequest } from './protocol';
import { SECURITY_HUB_LIMITS, TokenBuckets } from './rate-limits';
import { config } from './services/config';
import { ec2 } from './services/ec2';
import { eks } from './services/eks';
import { events } from './services/events';
import { guardduty } from './services/guardduty';
import { iam } from './services/iam';
import { kms } from './services/kms';
import { logs } from './services/logs';
import { organizations } from './services/organizations';
import { securityhub } from './services/securityhub';
import { sts } from './services/sts';

const MODULES: readonly ServiceModule[] = [
  sts,
  organizations,
  iam,
  eks,
  ec2,
  kms,
  logs,
  guardduty,
  securityhub,
  events,
  config,
];
const BY_SERVICE = new Map(MODULES.map((m) => [m.service, m]));

export interface BackendOptions {
  /** The stand-in answers from the plan's model; moto is forwarded to. */
  readonly target:
    | { readonly kind: 'standin'; readonly profile?: Profile }
    | { readonly kind: 'moto'; readonly endpoint: string };
  readonly plan: OrgPlan;
  readonly latency?: LatencyModel;
  readonly seed?: number;
  /** Enforce Security Hub's rate limits. @default true */
  readonly securityHubLimits?: boolean;
  /** Keep imported findings (validation). @default false */
  readonly keepFindings?: boolean;
}

export interface BackendStats {
  /** Requests answered with 2xx, by `<service>:<Operation>`: each is one operation done. */
  readonly answered: Record<string, number>;
  readonly throttled: Record<string, number>;
  /** Answers other than 2xx and throttling. */
  readonly failed: Record<string, number>;
  readonly requests: number;
  readonly latencyMs: number;
  /** Findings imported per `<account>/<region>`. */
  readonly importedPerScope: Map<string, number>;
}

/** One call as the backend saw it: when it arrived (performance.now()), whose it was, how long it was held. */
export interface TracedCall {
  readonly at: number;
  readonly accountId: string;
  readonly key: string;
  readonly delayMs: number;
  readonly throttled: boolean;
}

/** A finding as the scanner sent it, with the region it was sent to. */
export interface SentFinding {
  readonly region: string;
  readonly finding: Record<string, unknown>;
}

export interface Backend {
  readonly endpoint: string;
  readonly context: ServiceContext;
  stats(): BackendStats;
  /** The findings sent to BatchImportFindings (with `keepFindings`), as the request carried them. */
  sentFindings(): readonly SentFinding[];
  /** Every call in arrival order (cheap: a few numbers a call). */
  trace(): readonly TracedCall[];
  reset(): void;
  close(): Promise<void>;
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

export async function startBackend(options: BackendOptions): Promise<Backend> {
  const context = createContext(
    options.plan,
    options.target.kind === 'standin' ? (options.target.profile ?? 'aws') : 'moto',
    options.keepFindings === true,
  );
  const sample = latencySampler(options.latency ?? NO_LATENCY, options.seed ?? 7);
  let buckets = new TokenBuckets(options.securityHubLimits === false ? {} : SECURITY_HUB_LIMITS);
  let answered: Record<string, number> = {};
  let throttled: Record<string, number> = {};
  let failed: Record<string, number> = {};
  let requests = 0;
  let latencyMs = 0;
  const importedPerScope = context.securityHub.importedPerScope;
  const sent: SentFinding[] = [];
  const traced: TracedCall[] = [];
  const target = options.target;

  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const raw = Buffer.concat(chunks);
      const request = parseRequest(incoming, raw.toString('utf8'));
      const module = BY_SERVICE.get(request.service);
      const routed = module?.route(request, context);
      const key = `${request.service}:${routed?.operation ?? 'Unknown'}`;
      requests += 1;
      if (
        options.keepFindings &&
        key === 'securityhub:BatchImportFindings' &&
        Array.isArray(request.json.Findings)
      ) {
        for (const finding of request.json.Findings as Record<string, unknown>[])
          sent.push({ region: request.region, finding });
      }
      const delay = sample();
      latencyMs += delay;
      const call = {
        at: performance.now(),
        accountId: context.accountOf(request),
        key,
        delayMs: delay,
        throttled: false,
      };
      traced.push(call);
      const send = (answer: Answer) => {
        if (answer.status < 300) bump(answered, key);
        else if (answer.status === 429) bump(throttled, key);
        else bump(failed, key);
        setTimeout(() => {
          outgoing.writeHead(answer.status, {
            ...answer.headers,
            'content-length': Buffer.byteLength(answer.body),
          });
          outgoing.end(answer.body);
        }, delay);
      };
      // Rate limits are per account and region: the signing key names the account (the stand-in's
      // and moto's keys alike are per account).
      if (!buckets.take(key, `${request.accessKeyId}/${request.region}`)) {
        call.throttled = true;
        send(
          errorAnswer(
            PROTOCOLS[request.service] ?? 'rest-json',
            429,
            'TooManyRequestsException',
            'Rate exceeded',
          ),
        );
        return;
      }
      if (target.kind === 'moto') {
        countImports(key, request.region, request.json);
        setTimeout(() => forward(incoming, outgoing, raw, target.endpoint, key), delay);
        return;
      }
      if (!routed) {
        send(errorAnswer('rest-json', 400, 'UnknownService', `the stand-in has no ${request.service}`));
        return;
      }
      send(routed.respond());
    });
  });

  /** moto's imports are counted here from the request (the stand-in counts its own). */
  function countImports(key: string, region: string, json: Record<string, unknown>): void {
    if (key !== 'securityhub:BatchImportFindings' || !Array.isArray(json.Findings)) return;
    for (const finding of json.Findings as { AwsAccountId?: string }[]) {
      const scope = `${finding.AwsAccountId}/${region}`;
      importedPerScope.set(scope, (importedPerScope.get(scope) ?? 0) + 1);
    }
  }

  function forward(
    incoming: IncomingMessage,
    outgoing: ServerResponse,
    body: Buffer,
    endpoint: string,
    key: string,
  ): void {
    const url = new URL(endpoint);
    const upstream = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        const status = answer.statusCode ?? 502;
        if (status < 300) bump(answered, key);
        else bump(failed, key);
        outgoing.writeHead(status, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => {
      bump(failed, key);
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    upstream.end(body);
  }

  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    context,
    stats: () => ({
      answered: { ...answered },
      throttled: { ...throttled },
      failed: { ...failed },
      requests,
      latencyMs,
      importedPerScope: new Map(importedPerScope),
    }),
    sentFindings: () => [...sent],
    trace: () => traced,
    reset() {
      answered = {};
      throttled = {};
      failed = {};
      requests = 0;
      latencyMs = 0;
      importedPerScope.clear();
      sent.length = 0;
      traced.length = 0;
      context.securityHub.findings.clear();
      buckets = new TokenBuckets(options.securityHubLimits === false ? {} : SECURITY_HUB_LIMITS);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
