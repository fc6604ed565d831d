import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { UnreachableError } from '../errors.js';

/** TLS trust for https endpoints: an extra CA bundle (PEM text), or no verification at all. */
export interface TlsTrust {
  readonly ca: string | undefined;
  readonly insecure: boolean;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly tls: TlsTrust;
  /** The action's deadline: when it fires the request is aborted (its socket destroyed). */
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A request that got no HTTP answer: refused, DNS, TLS, timeout, reset. The message names
 * the endpoint; `retryable` says whether trying again can help. The cause is Node's own
 * error, which carries address and port but never the request's headers or body.
 */
export class TransportError extends UnreachableError {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.retryable = retryable;
  }
}

const TLS_REASONS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed and not trusted (set cacert, or insecure)',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain ends in an untrusted CA (set cacert, or insecure)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate issuer is not trusted (set cacert, or insecure)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate issuer is not trusted (set cacert, or insecure)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  CERT_NOT_YET_VALID: 'TLS certificate is not yet valid',
};

/** One line for a failure below HTTP, and whether a retry may help. */
export function describeTransportFailure(error: unknown, url: URL, timeoutMs: number): { reason: string; retryable: boolean } {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const tls = TLS_REASONS[code];
  if (tls !== undefined) return { reason: tls, retryable: false };
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code.includes('CERT')) return { reason: `TLS error ${code}`, retryable: false };
  switch (code) {
    case 'ECONNREFUSED': return { reason: 'connection refused', retryable: true };
    case 'ENOTFOUND': return { reason: `DNS lookup failed for ${url.hostname}`, retryable: false };
    case 'EAI_AGAIN': return { reason: `DNS lookup failed for ${url.hostname} (temporary)`, retryable: true };
    case 'ECONNRESET': case 'EPIPE': return { reason: 'connection reset', retryable: true };
    case 'EHOSTUNREACH': case 'ENETUNREACH': return { reason: 'host unreachable', retryable: true };
    case 'ETIMEDOUT': case 'REQUEST_TIMEOUT': return { reason: `no answer within ${timeoutMs / 1000}s`, retryable: true };
    case 'CANCELLED': return { reason: `cancelled: ${error instanceof Error ? error.message : 'aborted'}`, retryable: false };
    default: return { reason: code !== '' ? `request failed (${code})` : 'request failed', retryable: true };
  }
}

/** Sends one request over node:http(s) and reads the whole answer; the one place that touches the network. */
export function sendHttpRequest(req: HttpRequest): Promise<HttpResponse> {
  const isHttps = req.url.protocol === 'https:';
  const send = isHttps ? httpsRequest : httpRequest;
  const origin = req.url.origin;
  const signal = req.signal;
  if (signal?.aborted) return Promise.reject(cancelledRequest(req, signal));
  return new Promise<HttpResponse>((resolvePromise, rejectPromise) => {
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const { reason, retryable } = describeTransportFailure(error, req.url, req.timeoutMs);
      rejectPromise(new TransportError(`${origin}: ${req.method} ${req.url.pathname}: ${reason}`, retryable, { cause: error }));
    };
    const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
    if (req.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(req.body));
    }
    const clientRequest = send(req.url, {
      method: req.method,
      headers,
      ...(isHttps ? { ca: req.tls.ca, rejectUnauthorized: !req.tls.insecure } : {}),
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolvePromise({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? '',
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    const timer = setTimeout(() => {
      const timeout = Object.assign(new Error(`no answer within ${req.timeoutMs}ms`), { code: 'REQUEST_TIMEOUT' });
      fail(timeout);
      clientRequest.destroy();
    }, req.timeoutMs);
    const onAbort = (): void => {
      fail(abortReason(signal as AbortSignal));
      clientRequest.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    clientRequest.on('error', fail);
    clientRequest.end(req.body);
  });
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  const message = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
  return Object.assign(new Error(message), { code: 'CANCELLED' });
}

function cancelledRequest(req: HttpRequest, signal: AbortSignal): TransportError {
  const { reason } = describeTransportFailure(abortReason(signal), req.url, req.timeoutMs);
  return new TransportError(`${req.url.origin}: ${req.method} ${req.url.pathname}: ${reason}`, false);
}
