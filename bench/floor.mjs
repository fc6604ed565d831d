/**
 * The floor: the least any tool doing console-doctor's job must do. A bare ssh2 client
 * connects to every host (same concurrency cap as the tool), verifies the host key,
 * runs the probe once and reads all of its output; at the same time one full paginated
 * read of the nodes (and the conductors) from the Ironic API, each page JSON-parsed.
 * Nothing is interpreted. Run as a child process under /usr/bin/time by run.mjs:
 *
 *   node bench/floor.mjs CONFIG.json
 *
 * CONFIG: {hosts: [{name, address, port}], user, key, hostKeyLine, probe: {command, stdin},
 * concurrency, api}. Prints a JSON summary on stdout.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import ssh2 from 'ssh2';

const { Client } = ssh2;

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const privateKey = readFileSync(config.key);
const expectedKey = Buffer.from(config.hostKeyLine.split(' ')[1], 'base64');

function probeHost(host) {
  return new Promise((resolve) => {
    const client = new Client();
    let bytes = 0;
    const done = (error) => {
      client.end();
      resolve({ host: host.name, ok: error === undefined, bytes, error: error?.message });
    };
    client.once('error', done);
    client.once('ready', () => {
      client.exec(config.probe.command, (error, channel) => {
        if (error) return done(error);
        channel.on('data', (chunk) => (bytes += chunk.length));
        channel.stderr.on('data', () => {});
        channel.once('close', () => done());
        channel.end(config.probe.stdin);
      });
    });
    client.connect({
      host: host.address,
      port: host.port,
      username: config.user,
      privateKey,
      readyTimeout: 30_000,
      hostVerifier: (key) => Buffer.isBuffer(key) && key.equals(expectedKey),
    });
  });
}

async function mapLimited(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });

function getJson(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { 'X-OpenStack-Ironic-API-Version': '1.82', Accept: 'application/json' } }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`GET ${url}: ${res.statusCode}`));
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function readAll(kind) {
  const items = [];
  let url = `${config.api}/v1/${kind}?${kind === 'nodes' ? 'detail=True&' : ''}limit=1000`;
  while (url) {
    const page = await getJson(url);
    items.push(...page[kind]);
    url = page.next ? `${config.api}/v1/${kind}${new URL(page.next).search}` : undefined;
  }
  return items;
}

const started = performance.now();
const apiRead = Promise.all([readAll('nodes'), readAll('conductors')]).then(([nodes, conductors]) => ({
  nodes: nodes.length,
  conductors: conductors.length,
  ms: performance.now() - started,
}));
const sshRead = mapLimited(config.hosts, config.concurrency, probeHost).then((results) => ({ results, ms: performance.now() - started }));
const [api, ssh] = await Promise.all([apiRead, sshRead]);
agent.destroy();
const failed = ssh.results.filter((r) => !r.ok);
process.stdout.write(
  `${JSON.stringify({
    hostsOk: ssh.results.length - failed.length,
    hostsFailed: failed.map((f) => `${f.host}: ${f.error}`),
    probeBytes: ssh.results.reduce((s, r) => s + r.bytes, 0),
    sshMs: Math.round(ssh.ms),
    nodes: api.nodes,
    conductors: api.conductors,
    apiMs: Math.round(api.ms),
  })}\n`,
);
process.exit(failed.length === 0 ? 0 : 1);
