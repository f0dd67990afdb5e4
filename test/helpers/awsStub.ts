/**
 * A local HTTP server standing in for the AWS APIs moto does not implement (CloudTrail
 * LookupEvents, IAM SimulatePrincipalPolicy) and for answers moto cannot give (AccessDenied on a
 * read call). It answers the operations it has a handler for with the response shapes of the AWS
 * API reference, and forwards every other request unchanged to moto, so a client pointed at it
 * sees one AWS.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { motoEndpoint } from './motoEndpoint';

/** One request as the stub sees it. */
export interface StubRequest {
  /** SigV4 credential-scope service (`cloudtrail`, `iam`, `lambda`). */
  readonly service: string;
  /** Operation: `X-Amz-Target`'s last part, the query `Action`, or empty for REST APIs. */
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  /** Parsed JSON body (JSON protocols) or the form fields (query protocol). */
  readonly body: Record<string, unknown>;
}

/** What a handler answers. */
export interface StubResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

/** Answers a request, or returns undefined to let moto answer it. */
export type StubHandler = (request: StubRequest) => StubResponse | undefined;

/** A running stub. */
export interface AwsStub {
  readonly endpoint: string;
  /** Every request the stub answered itself, in order. */
  readonly answered: StubRequest[];
  /** Every request it forwarded to moto, in order. */
  readonly forwarded: StubRequest[];
  /** Replaces the handlers (tests arrange their own). */
  use(...handlers: StubHandler[]): void;
  close(): Promise<void>;
}

function read(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parse(req: IncomingMessage, raw: Buffer): StubRequest {
  const auth = String(req.headers.authorization ?? '');
  const service = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(auth)?.[1] ?? '';
  const target = String(req.headers['x-amz-target'] ?? '');
  const type = String(req.headers['content-type'] ?? '');
  const text = raw.toString('utf8');
  let body: Record<string, unknown> = {};
  if (type.includes('x-www-form-urlencoded')) {
    body = Object.fromEntries(new URLSearchParams(text));
  } else if (text.trim().startsWith('{')) {
    body = JSON.parse(text) as Record<string, unknown>;
  }
  const operation = target
    ? (target.split('.').pop() ?? '')
    : typeof body.Action === 'string'
      ? body.Action
      : '';
  return { service, operation, method: req.method ?? 'GET', path: req.url ?? '/', body };
}

/** Starts the stub on a free loopback port; `forward` (default true) sends the rest to moto. */
export async function startAwsStub(options: { forward?: boolean } = {}): Promise<AwsStub> {
  let handlers: StubHandler[] = [];
  const answered: StubRequest[] = [];
  const forwarded: StubRequest[] = [];
  const forward = options.forward ?? true;
  const server: Server = createServer(async (req, res) => {
    try {
      const raw = await read(req);
      const request = parse(req, raw);
      for (const handler of handlers) {
        const answer = handler(request);
        if (answer) {
          answered.push(request);
          res.writeHead(answer.status, answer.headers ?? {});
          res.end(answer.body);
          return;
        }
      }
      if (!forward) {
        res.writeHead(501, { 'content-type': 'text/plain' });
        res.end(`no stub for ${request.service} ${request.operation || request.path}`);
        return;
      }
      forwarded.push(request);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      }
      const upstream = await fetch(`${motoEndpoint()}${req.url}`, {
        method: req.method ?? 'GET',
        headers,
        ...(raw.length > 0 && req.method !== 'GET' && req.method !== 'HEAD' ? { body: raw } : {}),
      });
      const out = Buffer.from(await upstream.arrayBuffer());
      const back: Record<string, string> = {};
      upstream.headers.forEach((value, key) => {
        if (key !== 'content-length' && key !== 'transfer-encoding' && key !== 'content-encoding') {
          back[key] = value;
        }
      });
      res.writeHead(upstream.status, back);
      res.end(out);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    answered,
    forwarded,
    use: (...next) => {
      handlers = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A JSON answer (CloudTrail's JSON 1.1 protocol, Lambda's REST JSON). */
export function jsonAnswer(body: unknown, status = 200): StubResponse {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(body),
  };
}

/** An error as Lambda's REST JSON protocol sends it (`x-amzn-ErrorType` and a JSON message). */
export function restJsonError(status: number, code: string, message: string): StubResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': code },
    body: JSON.stringify({ Type: 'User', Message: message }),
  };
}
