/**
 * The wire protocols of the services the scanner calls, as the stand-in reads and answers them:
 * AWS query (IAM, STS) and EC2 query with XML answers, JSON 1.1 (Organizations, KMS, EventBridge,
 * AWS Config, CloudWatch Logs) and REST-JSON (EKS, Security Hub, GuardDuty). Shapes follow
 * botocore's service models and moto's answers.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type Protocol = 'rest-json' | 'json' | 'query' | 'ec2';

export const PROTOCOLS: Record<string, Protocol> = {
  eks: 'rest-json',
  securityhub: 'rest-json',
  guardduty: 'rest-json',
  kms: 'json',
  logs: 'json',
  organizations: 'json',
  events: 'json',
  config: 'json',
  iam: 'query',
  sts: 'query',
  ec2: 'ec2',
};

/** One parsed request: who signed it, where, and what it asks. */
export interface AwsRequest {
  readonly service: string;
  readonly region: string;
  /** The access key id of the signature: the stand-in's keys name their account. */
  readonly accessKeyId: string;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** `X-Amz-Target`'s operation (JSON 1.1) or `Action` (query); empty for REST. */
  readonly action: string;
  /** Query and EC2 parameters, form-decoded. */
  readonly form: URLSearchParams;
  /** JSON 1.1 and REST-JSON bodies. */
  readonly json: Record<string, unknown>;
  readonly body: string;
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export function parseRequest(incoming: IncomingMessage, body: string): AwsRequest {
  const auth = String(incoming.headers.authorization ?? '');
  const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(auth);
  const url = new URL(incoming.url ?? '/', 'http://standin');
  const target = incoming.headers['x-amz-target'];
  const form = new URLSearchParams(
    String(incoming.headers['content-type'] ?? '').includes('x-www-form-urlencoded') ? body : '',
  );
  let json: Record<string, unknown> = {};
  if (body.startsWith('{')) {
    try {
      json = JSON.parse(body) as Record<string, unknown>;
    } catch {
      json = {};
    }
  }
  return {
    accessKeyId: scope?.[1] ?? '',
    region: scope?.[2] ?? 'us-east-1',
    service: scope?.[3] ?? 'unknown',
    method: incoming.method ?? 'GET',
    path: decodeURIComponent(url.pathname),
    query: url.searchParams,
    action: typeof target === 'string' ? (target.split('.').pop() ?? '') : (form.get('Action') ?? ''),
    form,
    json,
    body,
  };
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
export const xmlText = (value: string | number | boolean): string =>
  String(value).replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);

/** `<name>escaped</name>` */
export const el = (name: string, value: string | number | boolean): string =>
  `<${name}>${xmlText(value)}</${name}>`;

export function queryAnswer(action: string, namespace: string, result: string): Answer {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

export function ec2Answer(action: string, inner: string): Answer {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `<?xml version="1.0" encoding="UTF-8"?><${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${randomUUID()}</requestId>${inner}</${action}Response>`,
  };
}

export function jsonAnswer(value: unknown, protocol: 'json' | 'rest-json' = 'json'): Answer {
  return {
    status: 200,
    headers: {
      'content-type': protocol === 'json' ? 'application/x-amz-json-1.1' : 'application/json',
      'x-amzn-requestid': randomUUID(),
    },
    body: JSON.stringify(value),
  };
}

/** An error in the protocol's shape, as AWS sends it. */
export function errorAnswer(protocol: Protocol, status: number, code: string, message: string): Answer {
  const requestId = randomUUID();
  switch (protocol) {
    case 'rest-json':
      return {
        status,
        headers: {
          'content-type': 'application/json',
          'x-amzn-errortype': code,
          'x-amzn-requestid': requestId,
        },
        body: JSON.stringify({ message }),
      };
    case 'json':
      return {
        status,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
        body: JSON.stringify({ __type: code, message }),
      };
    case 'query':
      return {
        status,
        headers: { 'content-type': 'text/xml' },
        body: `<ErrorResponse><Error><Type>Sender</Type>${el('Code', code)}${el('Message', message)}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    case 'ec2':
      return {
        status,
        headers: { 'content-type': 'text/xml' },
        body: `<Response><Errors><Error>${el('Code', code)}${el('Message', message)}</Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
  }
}

/** What moto 5.2.1 answers for an EKS route it lacks: a 404 with an HTML body. */
export function motoMissingRoute(): Answer {
  return {
    status: 404,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: '<!doctype html><html lang=en><title>404 Not Found</title><h1>Not Found</h1><p>The requested URL was not found on the server.</p></html>',
  };
}

/** EC2 query lists: `Filter.1.Name=subnet-id&Filter.1.Value.1=…`, by filter name. */
export function ec2Filters(form: URLSearchParams): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  for (let i = 1; form.has(`Filter.${i}.Name`); i++) {
    const values: string[] = [];
    for (let j = 1; form.has(`Filter.${i}.Value.${j}`); j++)
      values.push(form.get(`Filter.${i}.Value.${j}`) ?? '');
    filters.set(form.get(`Filter.${i}.Name`) ?? '', values);
  }
  return filters;
}

/** Epoch seconds, as REST-JSON and JSON 1.1 timestamps travel by default. */
export const epochSeconds = (iso: string): number => Math.floor(new Date(iso).getTime() / 1000);
