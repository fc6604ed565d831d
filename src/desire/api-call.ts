import { ApiError, AuthError, ConsoleDoctorError } from '../errors.js';
import { extractErrorMessage, tryJson } from './api-error-body.js';
import { sendHttpRequest, TransportError, type HttpRequest, type HttpResponse, type TlsTrust } from './http-request.js';
import type { Secret } from './secret.js';
import { sleepUnless } from '../abortable-sleep.js';

/** How often and how patiently to retry a request that failed below HTTP or with a 5xx. */
export interface RetryPolicy {
  readonly tries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { tries: 4, baseDelayMs: 500, maxDelayMs: 8_000 };

/** What every call to one service shares. */
export interface ApiContext {
  /** The service's name in messages: `Ironic API`, `Keystone`. */
  readonly service: string;
  readonly timeoutMs: number;
  readonly tls: TlsTrust;
  readonly retry: RetryPolicy;
  /** Values to scrub from any message, in case a server echoes them back. */
  readonly secrets: readonly Secret[];
  readonly onRequest?: (method: string, path: string, status: number) => void;
  /** Replaceable for tests of the retry policy; defaults to node:http(s). */
  readonly send?: (request: HttpRequest) => Promise<HttpResponse>;
}

export interface ApiCall {
  readonly method: HttpRequest['method'];
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** The deadline of the action this call belongs to; aborts the request and any retry wait. */
  readonly signal?: AbortSignal;
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: HttpResponse['headers'];
  readonly json: unknown;
}

/** Exponential backoff with jitter: base, 2×base, 4×base … capped. */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const raw = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(raw * (0.75 + Math.random() * 0.25));
}

/**
 * Sends one API request with retries on transport failures, 5xx and 429, and turns any
 * other failure into one line naming the service, endpoint, method and path: AuthError
 * for 401/403, ApiError otherwise (with `status`), TransportError when nothing answered.
 */
export async function callApi(context: ApiContext, call: ApiCall): Promise<ApiAnswer> {
  const send = context.send ?? sendHttpRequest;
  const where = `${context.service} ${call.url.origin}: ${call.method} ${call.url.pathname}${call.url.search}`;
  const request: HttpRequest = {
    method: call.method,
    url: call.url,
    headers: call.headers ?? {},
    ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
    timeoutMs: context.timeoutMs,
    tls: context.tls,
    ...(call.signal !== undefined ? { signal: call.signal } : {}),
  };
  for (let attempt = 0; ; attempt += 1) {
    const last = attempt + 1 >= context.retry.tries;
    const after = attempt > 0 ? ` (after ${attempt + 1} tries)` : '';
    let response: HttpResponse;
    try {
      response = await send(request);
    } catch (error) {
      if (error instanceof TransportError) {
        if (error.retryable && !last) {
          await sleepUnless(backoffDelay(attempt, context.retry), call.signal);
          continue;
        }
        throw new TransportError(scrub(`${context.service} ${error.message}${after}`, context.secrets), error.retryable, { cause: error.cause });
      }
      throw error;
    }
    context.onRequest?.(call.method, `${call.url.pathname}${call.url.search}`, response.status);
    if ((response.status >= 500 || response.status === 429) && !last) {
      await sleepUnless(backoffDelay(attempt, context.retry), call.signal);
      continue;
    }
    if (response.status >= 200 && response.status < 300) {
      const json = tryJson(response.body);
      if (json === undefined && response.body.trim() !== '') {
        throw new ApiError(scrub(`${where}: answered ${response.status} with a body that is not JSON: ${JSON.stringify(response.body.slice(0, 60))}`, context.secrets), { status: response.status });
      }
      return { status: response.status, headers: response.headers, json };
    }
    throw statusError(context, where, response, after);
  }
}

function statusError(context: ApiContext, where: string, response: HttpResponse, after: string): ConsoleDoctorError {
  const detail = extractErrorMessage(response.body);
  const status = `${response.status}${response.statusText !== '' ? ` ${response.statusText}` : ''}`;
  const hint = response.status === 401 ? ' (credentials refused)' : response.status === 403 ? ' (not allowed by policy)' : '';
  const message = scrub(`${where}: ${status}${hint}${detail !== undefined ? `: ${detail}` : ''}${after}`, context.secrets);
  if (response.status === 401 || response.status === 403) return new HttpAuthError(message, response.status, detail === undefined ? undefined : scrub(detail, context.secrets));
  return new ApiError(message, { status: response.status });
}

/** 401 or 403: an AuthError that remembers which, so a session can renew an expired token. */
export class HttpAuthError extends AuthError {
  readonly status: number;
  /** The server's own words, scrubbed, without where and status. */
  readonly detail: string | undefined;
  constructor(message: string, status: number, detail?: string) {
    super(message);
    this.status = status;
    this.detail = detail;
  }
}

/** Replaces every secret value that a server may have echoed back. */
export function scrub(text: string, secrets: readonly Secret[]): string {
  return secrets.reduce((result, secret) => {
    const value = secret.reveal();
    return value.length >= 4 ? result.split(value).join('[secret]') : result;
  }, text);
}
