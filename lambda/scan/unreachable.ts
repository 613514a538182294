/**
 * Whether an error says that an endpoint could not be reached at all (refused, not resolved, no
 * route, TLS failed, no connection in time), and why, in one line. Pure: it reads the Node.js error
 * code anywhere in the cause chain, where the SDK leaves the socket's own error.
 */

interface NodeErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
  readonly hostname?: unknown;
  readonly cause?: unknown;
}

/** Certificate verification failures, as Node.js names them (`tls.TLSSocket` `authorizationError`). */
const CERTIFICATE_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The cause chain is followed this deep at most, as the SDK's own retry classification does. */
const MAX_DEPTH = 10;

/** Why the endpoint could not be reached, or undefined when the error is something else (an answer, a denial). */
export function unreachableReason(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_DEPTH && typeof current === 'object' && current !== null; depth++) {
    const reason = reasonOf(current as NodeErrorShape);
    if (reason) return reason;
    current = (current as NodeErrorShape).cause;
  }
  return undefined;
}

function reasonOf(error: NodeErrorShape): string | undefined {
  const code = typeof error.code === 'string' ? error.code : undefined;
  const peer = peerOf(error);
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused${peer ? ` by ${peer}` : ''} (ECONNREFUSED)`;
    case 'ENOTFOUND':
      return `host name${peer ? ` ${peer}` : ''} not found in DNS (ENOTFOUND)`;
    case 'EAI_AGAIN':
      return `DNS lookup${peer ? ` of ${peer}` : ''} failed (EAI_AGAIN)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to${peer ? ` ${peer}` : ' the host'} (${code})`;
    case 'ECONNRESET':
      return `connection reset${peer ? ` by ${peer}` : ''} (ECONNRESET)`;
    case 'EPROTO':
      return `TLS handshake failed: ${tlsDetail(error)} (EPROTO)`;
  }
  if (code && (CERTIFICATE_CODES.has(code) || code.startsWith('ERR_SSL_'))) {
    return `TLS handshake failed: ${firstLine(error.message) || 'the certificate was refused'} (${code})`;
  }
  // @smithy/node-http-handler's connection timeout names no code, only this message.
  if (
    error.name === 'TimeoutError' &&
    typeof error.message === 'string' &&
    error.message.includes('did not establish a connection')
  ) {
    return 'no connection within the timeout';
  }
  return undefined;
}

function peerOf(error: NodeErrorShape): string | undefined {
  if (typeof error.hostname === 'string') return error.hostname;
  if (typeof error.address !== 'string') return undefined;
  return typeof error.port === 'number' ? `${error.address}:${error.port}` : error.address;
}

/** OpenSSL's own words ("wrong version number"), without its file and line. */
function tlsDetail(error: NodeErrorShape): string {
  const text = firstLine(error.message);
  const openssl = /:([a-z][a-z ]+):[^:]*:\d+:?$/.exec(text)?.[1];
  return openssl ?? (text || 'unknown error');
}

function firstLine(message: unknown): string {
  return typeof message === 'string' ? (message.split('\n')[0]?.trim() ?? '') : '';
}
