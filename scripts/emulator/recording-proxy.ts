/**
 * A pass-through HTTP proxy in front of moto that records when each request arrived and when its
 * answer left, for benchmarks that split a process's time into start-up, AWS calls and shut-down.
 * Unlike test/support/aws-proxy.ts it forwards at once (no timer) unless latency is asked for, and
 * injects no faults: by default it adds only the loopback hop.
 */
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { identify } from '../../test/support/aws-proxy';
import { seededRandom } from '../../test/support/prng';

/** EKS REST operations the scanner calls that test/support/aws-proxy.ts does not name (moto lacks them). */
const MORE_REST_OPERATIONS: readonly (readonly [string, string, RegExp, string])[] = [
  ['eks', 'GET', /^\/clusters\/[^/]+\/access-entries\/?$/, 'ListAccessEntries'],
  ['eks', 'GET', /^\/clusters\/[^/]+\/access-entries\/[^/]+$/, 'DescribeAccessEntry'],
  [
    'eks',
    'GET',
    /^\/clusters\/[^/]+\/access-entries\/[^/]+\/access-policies\/?$/,
    'ListAssociatedAccessPolicies',
  ],
  ['eks', 'GET', /^\/clusters\/[^/]+\/pod-identity-associations\/?$/, 'ListPodIdentityAssociations'],
  ['eks', 'GET', /^\/clusters\/[^/]+\/pod-identity-associations\/[^/]+$/, 'DescribePodIdentityAssociation'],
  ['eks', 'GET', /^\/clusters\/[^/]+\/addons\/?$/, 'ListAddons'],
];

function restOperation(service: string, incoming: IncomingMessage): string | undefined {
  const path = (incoming.url ?? '/').split('?')[0] ?? '/';
  return MORE_REST_OPERATIONS.find(
    ([s, m, p]) => s === service && m === incoming.method && p.test(path),
  )?.[3];
}

export interface Exchange {
  /** `<signing name>:<Operation>`, as test/support/aws-proxy.ts names them. */
  readonly operation: string;
  readonly region: string;
  readonly status: number;
  /** `performance.now()` of this process when the request's headers arrived. */
  readonly receivedAt: number;
  /** `performance.now()` when the last byte of the answer was handed to the socket. */
  readonly respondedAt: number;
}

export interface RecordingProxyOptions {
  readonly target: string;
  /**
   * Added before each request is forwarded, drawn uniformly from the range (seeded).
   * @default no latency: forwarded in the same tick
   */
  readonly latencyMs?: readonly [number, number];
  /** @default 1 */
  readonly seed?: number;
}

export interface RecordingProxy {
  readonly endpoint: string;
  /** The exchanges finished since the last call, in order of arrival; clears the record. */
  take(): Exchange[];
  close(): Promise<void>;
}

export async function startRecordingProxy(options: RecordingProxyOptions): Promise<RecordingProxy> {
  const target = new URL(options.target);
  const [low, high] = options.latencyMs ?? [0, 0];
  const random = seededRandom(options.seed ?? 1);
  // Keep-alive to moto, so the hop costs no connection set-up per call.
  const agent = new Agent({ keepAlive: true });
  let exchanges: Exchange[] = [];

  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const receivedAt = performance.now();
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const { service, operation, region } = identify(incoming, body.toString('utf8'));
      const name = operation === 'Unknown' ? (restOperation(service, incoming) ?? operation) : operation;
      outgoing.on('finish', () => {
        exchanges.push({
          operation: `${service}:${name}`,
          region,
          status: outgoing.statusCode,
          receivedAt,
          respondedAt: performance.now(),
        });
      });
      const delay = low + (high - low) * random();
      if (delay > 0) setTimeout(() => forward(incoming, outgoing, body, target, agent), delay);
      else forward(incoming, outgoing, body, target, agent);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    take() {
      const taken = exchanges.sort((a, b) => a.receivedAt - b.receivedAt);
      exchanges = [];
      return taken;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

function forward(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  body: Buffer,
  target: URL,
  agent: Agent,
): void {
  if (incoming.socket.destroyed) return;
  // The client's connection header is about its hop to this proxy, not the proxy's to moto.
  const { connection: _hop, ...headers } = incoming.headers;
  const upstream = request(
    { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers, agent },
    (answer) => {
      // moto (werkzeug) closes each connection; the SDK's to this proxy may stay open.
      const { connection: _close, 'keep-alive': _keepAlive, ...answerHeaders } = answer.headers;
      outgoing.writeHead(answer.statusCode ?? 502, answerHeaders);
      answer.pipe(outgoing);
    },
  );
  upstream.on('error', () => {
    if (!outgoing.headersSent) outgoing.writeHead(502);
    outgoing.end();
  });
  upstream.end(body);
}
