/**
 * An HTTP proxy between the SDK and moto that adds latency and injects the faults AWS really
 * gives, each in the shape of its service's protocol, with seeded randomness so that a failing run
 * can be replayed. Point `AWS_ENDPOINT_URL` (or a client's `endpoint`) at it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from './prng';

export interface FaultRule {
  /** Signing name of the service (`eks`, `iam`, `securityhub`…); all when absent. */
  readonly service?: string;
  /** Operation name (`ListClusters`…); all when absent. */
  readonly operation?: string;
  /** Region of the request's signature; all when absent. */
  readonly region?: string;
  /** The rule spares this many matching calls before it applies. */
  readonly skip?: number;
  /** Added before the call is forwarded, drawn uniformly from the range. */
  readonly latencyMs?: readonly [number, number];
  /** Share of calls answered with the service's throttling error. */
  readonly throttle?: number;
  /** Share of calls answered with a 500 or 503 server error. */
  readonly serverError?: number;
  /** Share of calls whose connection is reset before any answer. */
  readonly reset?: number;
  /** Share of calls held for `slowMs` before forwarding (past a client's timeout). */
  readonly slow?: number;
  readonly slowMs?: number;
}

export interface ProxyOptions {
  readonly target: string;
  readonly seed?: number;
  readonly rules?: readonly FaultRule[];
}

export type FaultKind = 'throttle' | 'serverError' | 'reset' | 'slow';

export interface ProxyStats {
  readonly requests: number;
  readonly faults: Record<FaultKind, number>;
  /** Requests by `<service>:<Operation>`. */
  readonly byOperation: Record<string, number>;
}

export interface AwsProxy {
  readonly endpoint: string;
  stats(): ProxyStats;
  /** Replaces the rules (and reseeds), for tests that change faults between runs. */
  configure(rules: readonly FaultRule[], seed?: number): void;
  close(): Promise<void>;
}

type Protocol = 'rest-json' | 'json' | 'query' | 'ec2';

const PROTOCOLS: Record<string, Protocol> = {
  eks: 'rest-json',
  securityhub: 'rest-json',
  kms: 'json',
  logs: 'json',
  guardduty: 'rest-json',
  organizations: 'json',
  events: 'json',
  sqs: 'json',
  iam: 'query',
  sts: 'query',
  ec2: 'ec2',
};

/** REST operations by method and path, for the REST-JSON services the scanner calls. */
const REST_OPERATIONS: readonly (readonly [string, string, RegExp, string])[] = [
  ['eks', 'GET', /^\/clusters\/?$/, 'ListClusters'],
  ['eks', 'GET', /^\/cluster-versions\/?$/, 'DescribeClusterVersions'],
  ['eks', 'GET', /^\/clusters\/[^/]+\/node-groups\/?$/, 'ListNodegroups'],
  ['eks', 'GET', /^\/clusters\/[^/]+\/node-groups\/[^/]+$/, 'DescribeNodegroup'],
  ['eks', 'GET', /^\/clusters\/[^/]+\/addons\/?$/, 'ListAddons'],
  ['eks', 'GET', /^\/clusters\/[^/]+\/addons\/[^/]+$/, 'DescribeAddon'],
  ['eks', 'GET', /^\/addons\/supported-versions\/?$/, 'DescribeAddonVersions'],
  ['eks', 'POST', /^\/clusters\/[^/]+\/insights\/?$/, 'ListInsights'],
  ['eks', 'GET', /^\/clusters\/[^/]+\/insights\/[^/]+$/, 'DescribeInsight'],
  ['guardduty', 'GET', /^\/detector\/?$/, 'ListDetectors'],
  ['guardduty', 'GET', /^\/detector\/[^/]+$/, 'GetDetector'],
  ['eks', 'GET', /^\/clusters\/[^/]+$/, 'DescribeCluster'],
  ['eks', 'POST', /^\/clusters\/?$/, 'CreateCluster'],
  ['eks', 'DELETE', /^\/clusters\/[^/]+$/, 'DeleteCluster'],
  ['securityhub', 'POST', /^\/findings\/import$/, 'BatchImportFindings'],
  ['securityhub', 'POST', /^\/findings\/?$/, 'GetFindings'],
];

export function identify(
  incoming: IncomingMessage,
  body: string,
): { service: string; operation: string; region: string } {
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(
    String(incoming.headers.authorization ?? ''),
  );
  const region = scope?.[1] ?? 'unknown';
  const service = scope?.[2] ?? 'unknown';
  const target = incoming.headers['x-amz-target'];
  if (typeof target === 'string') return { service, region, operation: target.split('.').pop() ?? 'Unknown' };
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1];
  if (action) return { service, region, operation: action };
  const path = (incoming.url ?? '/').split('?')[0] ?? '/';
  const rest = REST_OPERATIONS.find(([s, m, p]) => s === service && m === incoming.method && p.test(path));
  return { service, region, operation: rest?.[3] ?? 'Unknown' };
}

/** The error answer a service gives, in its protocol's shape. */
function errorAnswer(
  protocol: Protocol,
  service: string,
  kind: 'throttle' | 'serverError',
  status503: boolean,
) {
  const requestId = randomUUID();
  if (kind === 'throttle') {
    switch (protocol) {
      case 'rest-json':
        return {
          status: 429,
          headers: {
            'content-type': 'application/json',
            'x-amzn-errortype': 'TooManyRequestsException',
            'x-amzn-requestid': requestId,
          },
          body: JSON.stringify({ message: 'Rate exceeded' }),
        };
      case 'json': {
        const type = service === 'organizations' ? 'TooManyRequestsException' : 'ThrottlingException';
        return {
          status: 400,
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
          body: JSON.stringify({ __type: type, message: 'Rate exceeded' }),
        };
      }
      case 'query':
        return {
          status: 400,
          headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
          body: `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        };
      case 'ec2':
        return {
          status: 503,
          headers: { 'content-type': 'text/xml' },
          body: `<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
        };
    }
  }
  const status = status503 ? 503 : 500;
  const code = status503 ? 'ServiceUnavailable' : 'InternalFailure';
  if (protocol === 'query' || protocol === 'ec2') {
    const xml =
      protocol === 'ec2'
        ? `<Response><Errors><Error><Code>${code}</Code><Message>try again</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
        : `<ErrorResponse><Error><Type>Receiver</Type><Code>${code}</Code><Message>try again</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status, headers: { 'content-type': 'text/xml' }, body: xml };
  }
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': code, 'x-amzn-requestid': requestId },
    body: JSON.stringify({ __type: code, message: 'try again' }),
  };
}

export async function startAwsProxy(options: ProxyOptions): Promise<AwsProxy> {
  let random = seededRandom(options.seed ?? 1);
  let rules = options.rules ?? [];
  const target = new URL(options.target);
  const faults: Record<FaultKind, number> = { throttle: 0, serverError: 0, reset: 0, slow: 0 };
  const byOperation: Record<string, number> = {};
  let requests = 0;
  const matched = new Map<FaultRule, number>();

  const server: Server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const { service, operation, region } = identify(incoming, body.toString('utf8'));
      requests += 1;
      const key = `${service}:${operation}`;
      byOperation[key] = (byOperation[key] ?? 0) + 1;
      const matching = rules.find(
        (r) =>
          (!r.service || r.service === service) &&
          (!r.operation || r.operation === operation) &&
          (!r.region || r.region === region),
      );
      const seen = matching ? (matched.get(matching) ?? 0) + 1 : 0;
      if (matching) matched.set(matching, seen);
      const rule = matching && seen > (matching.skip ?? 0) ? matching : undefined;
      // Draw every number in a fixed order, whatever the rule, so a seed replays the same faults.
      const draws = {
        latency: random(),
        throttle: random(),
        server: random(),
        reset: random(),
        slow: random(),
        kind: random(),
      };
      const [low, high] = rule?.latencyMs ?? [0, 0];
      let delay = low + (high - low) * draws.latency;
      const protocol = PROTOCOLS[service] ?? 'rest-json';
      const answer = (fault: 'throttle' | 'serverError') => {
        faults[fault] += 1;
        const error = errorAnswer(protocol, service, fault, draws.kind < 0.5);
        setTimeout(() => {
          outgoing.writeHead(error.status, error.headers);
          outgoing.end(error.body);
        }, delay);
      };
      if (rule?.reset && draws.reset < rule.reset) {
        faults.reset += 1;
        setTimeout(() => incoming.socket.destroy(), delay);
        return;
      }
      if (rule?.throttle && draws.throttle < rule.throttle) return answer('throttle');
      if (rule?.serverError && draws.server < rule.serverError) return answer('serverError');
      if (rule?.slow && draws.slow < rule.slow) {
        faults.slow += 1;
        delay += rule.slowMs ?? 30_000;
      }
      setTimeout(() => forward(incoming, outgoing, body, target), delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    stats: () => ({ requests, faults: { ...faults }, byOperation: { ...byOperation } }),
    configure(next, seed) {
      rules = next;
      matched.clear();
      if (seed !== undefined) random = seededRandom(seed);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function forward(incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer, target: URL): void {
  if (incoming.socket.destroyed) return; // the client gave up (timeout) while the call was held
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: incoming.method,
      path: incoming.url,
      headers: incoming.headers,
    },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    },
  );
  upstream.on('error', () => {
    if (!outgoing.headersSent) outgoing.writeHead(502);
    outgoing.end();
  });
  upstream.end(body);
}
