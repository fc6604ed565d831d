import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractErrorMessage } from '../../src/desire/api-error-body.js';
import { describeTransportFailure } from '../../src/desire/http-request.js';
import { cloudConfig, failureOf, testClient } from './desire-builders.js';
import { fixture, fakeIronicPerTest } from '../helpers/fake-ironic.js';

const ironic = fakeIronicPerTest();
const NODES_PATH = '/v1/nodes?detail=True&limit=1000';

describe('HTTP errors: one line naming endpoint, request and cause', () => {
  const cases: [string, number, unknown, string, string][] = [
    ['401', 401, fixture('keystone-401.json'), 'auth', '401 Unauthorized (credentials refused): The request you have made requires authentication.'],
    ['403 with policy faultstring', 403, fixture('error-403-policy.json'), 'auth', '403 Forbidden (not allowed by policy): RBAC policy on baremetal:node:list by project 7d1f disallowed.'],
    ['404 with faultstring', 404, fixture('error-404-node.json'), 'api', '404 Not Found: Node 9f9f9f9f-0000-4000-8000-000000000000 could not be found.'],
    ['500 with faultstring (JSON in a string)', 500, fixture('error-500.json'), 'api', '500 Internal Server Error: Timed out waiting for a reply to message ID 2f5d1c0e8b3a4c71a1f0d9e8c7b6a5f4 (after 4 tries)'],
  ];
  it.each(cases)('%s', async (_name, status, body, kind, tail) => {
    const server = await ironic();
    server.overrides.push((r) => (r.path.startsWith('/v1/nodes') ? { status, body } : undefined));
    const error = await failureOf(testClient(cloudConfig({ endpoint: server.url })).readDesiredState());
    expect(error.kind).toBe(kind);
    expect(error.message).toBe(`Ironic API ${server.url}: GET ${NODES_PATH}: ${tail}`);
  });

  it('a 200 whose body is not JSON', async () => {
    const server = await ironic();
    server.overrides.push((r) => (r.path.startsWith('/v1/conductors') ? { status: 200, raw: '<html>Login required</html>' } : undefined));
    const error = await failureOf(testClient(cloudConfig({ endpoint: server.url })).readDesiredState());
    expect(error.kind).toBe('api');
    expect(error.message).toBe(`Ironic API ${server.url}: GET /v1/conductors?limit=1000: answered 200 with a body that is not JSON: "<html>Login required</html>"`);
  });

  it('a GET / that is not Ironic', async () => {
    const server = await ironic({ root: { status: 'ok' } });
    const error = await failureOf(testClient(cloudConfig({ endpoint: server.url })).readDesiredState());
    expect(error.message).toBe(`Ironic API ${server.url}: GET / did not answer with Ironic's version document; is this the Ironic endpoint?`);
  });
});

describe('transport errors', () => {
  it('connection refused on a closed port, after retries', async () => {
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((done) => probe.close(() => done()));
    const error = await failureOf(testClient(cloudConfig({ endpoint: `http://127.0.0.1:${port}` })).readDesiredState());
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(`Ironic API http://127.0.0.1:${port}: GET /: connection refused (after 4 tries)`);
  });

  it('a server that never answers times out', async () => {
    const server = await ironic();
    server.overrides.push(() => ({ status: 200, hang: true }));
    const started = Date.now();
    const error = await failureOf(testClient(cloudConfig({ endpoint: server.url }), { timeoutMs: 100, retry: { tries: 2, baseDelayMs: 1, maxDelayMs: 1 } }).readDesiredState());
    expect(error.message).toBe(`Ironic API ${server.url}: GET /: no answer within 0.1s (after 2 tries)`);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  const codes: [string, string, boolean][] = [
    ['ENOTFOUND', 'DNS lookup failed for ironic.example', false],
    ['EAI_AGAIN', 'DNS lookup failed for ironic.example (temporary)', true],
    ['ECONNRESET', 'connection reset', true],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS certificate is self-signed and not trusted (set cacert, or insecure)', false],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS certificate does not match the host name', false],
    ['CERT_HAS_EXPIRED', 'TLS certificate has expired', false],
  ];
  it.each(codes)('%s → %s', (code, reason, retryable) => {
    const error = Object.assign(new Error('x'), { code });
    expect(describeTransportFailure(error, new URL('https://ironic.example:6385/'), 1000)).toEqual({ reason, retryable });
  });
});

describe('TLS with a self-signed certificate', () => {
  let dir = '';
  let tls: Record<'key' | 'cert' | 'otherKey' | 'otherCert', string>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cd-tls-'));
    const make = (name: string, san: string): void => {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=ironic-test',
        '-addext', `subjectAltName=${san}`, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`)], { stdio: 'ignore' });
    };
    make('good', 'IP:127.0.0.1,DNS:localhost');
    make('other', 'DNS:ironic.example');
    const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
    tls = { key: read('good.key'), cert: read('good.pem'), otherKey: read('other.key'), otherCert: read('other.pem') };
    writeFileSync(join(dir, 'empty'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is accepted with cacert', async () => {
    const server = await ironic({ tls: { key: tls.key, cert: tls.cert } });
    const state = await testClient(cloudConfig({ endpoint: server.url, cacert: join(dir, 'good.pem') })).readDesiredState();
    expect(state.nodes).toHaveLength(5);
  });

  it('is rejected without cacert, once (no retries)', async () => {
    const server = await ironic({ tls: { key: tls.key, cert: tls.cert } });
    const error = await failureOf(testClient(cloudConfig({ endpoint: server.url })).readDesiredState());
    expect(error.message).toBe(`Ironic API ${server.url}: GET /: TLS certificate is self-signed and not trusted (set cacert, or insecure)`);
    expect(server.requests).toHaveLength(0);
  });

  it('is accepted with insecure', async () => {
    const server = await ironic({ tls: { key: tls.key, cert: tls.cert } });
    const state = await testClient(cloudConfig({ endpoint: server.url, insecure: true })).readDesiredState();
    expect(state.nodes).toHaveLength(5);
  });

  it('names a certificate issued for another host', async () => {
    const server = await ironic({ tls: { key: tls.otherKey, cert: tls.otherCert } });
    const error = await failureOf(testClient(cloudConfig({ endpoint: server.url, cacert: join(dir, 'other.pem') })).readDesiredState());
    expect(error.message).toBe(`Ironic API ${server.url}: GET /: TLS certificate does not match the host name`);
  });
});

describe('extractErrorMessage', () => {
  const cases: [string, string, string | undefined][] = [
    ['Ironic error_message with JSON faultstring', JSON.stringify(fixture('error-409-locked.json')), 'Node 1be26c0b-03f2-4d2e-ae87-c02d7f33c123 is locked by host cond-a, please retry after the current operation is completed.'],
    ['keystone error.message', JSON.stringify(fixture('keystone-401.json')), 'The request you have made requires authentication.'],
    ['plain error_message string', '{"error_message": "Unauthorized"}', 'Unauthorized'],
    ['HTML from a proxy', '<html><body><h1>502 Bad Gateway</h1>\n</body></html>', '502 Bad Gateway'],
    ['empty body', '', undefined],
  ];
  it.each(cases)('%s', (_name, body, expected) => {
    expect(extractErrorMessage(body)).toBe(expected);
  });
});
