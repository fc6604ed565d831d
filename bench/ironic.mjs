/**
 * An in-process Ironic API on 127.0.0.1 serving M nodes with Ironic 21.4's response
 * shapes (the node template is a node from test/fixtures/ironic/captured, every field
 * kept): `GET /` (versions, 1.82), `GET /v1/nodes?detail=True` paged by `limit`
 * (max 1000) and `marker` with `next` links, and `GET /v1/conductors`.
 *
 * Pages are serialised once and cached, so the server's own cost does not weigh on the
 * tools being measured (they share the machine).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const CAPTURED = new URL('../test/fixtures/ironic/captured/', import.meta.url);
const MAX_LIMIT = 1000;

function captured(name) {
  return JSON.parse(readFileSync(new URL(name, CAPTURED), 'utf8'));
}

/** The real 21.4 node shape, with `uuid`, `name` and links replaced. */
function nodeTemplate() {
  return captured('nodes-detail-limit-2.json').body.nodes[0];
}

function relink(links, base, kind, id) {
  return links.map((l) => ({ ...l, href: l.rel === 'self' ? `${base}/v1/${kind}/${id}` : `${base}/${kind}/${id}` }));
}

/**
 * Builds an Ironic node. `spec`: {uuid, name, conductor, consoleEnabled, provisionState,
 * consoleInterface, port}.
 */
export function ironicNode(template, base, spec) {
  const id = spec.uuid;
  const sub = (k) => relink(template[k], base, 'nodes', `${id}/${k}`);
  return {
    ...template,
    uuid: id,
    name: spec.name,
    conductor: spec.conductor,
    console_enabled: spec.consoleEnabled,
    console_interface: spec.consoleInterface,
    provision_state: spec.provisionState,
    instance_uuid: spec.provisionState === 'active' ? id.replace(/^./, 'f') : null,
    power_state: spec.provisionState === 'active' ? 'power on' : 'power off',
    driver_info: { ...template.driver_info, ipmi_address: `10.20.${spec.name.length}.1`, ipmi_terminal_port: spec.port },
    links: relink(template.links, base, 'nodes', id),
    ports: sub('ports'),
    portgroups: sub('portgroups'),
    states: sub('states'),
    volume: sub('volume'),
  };
}

export function ironicConductor(base, hostname, alive) {
  return {
    alive,
    conductor_group: '',
    hostname,
    links: relink([{ rel: 'self' }, { rel: 'bookmark' }], base, 'conductors', hostname),
  };
}

/**
 * Starts the API. `nodes(base)` and `conductors(base)` build the item lists once the
 * server's URL is known. Returns {url, requests (count), close()}.
 */
export async function startIronic({ nodes, conductors }) {
  const root = captured('root.json');
  const headers = {
    'Content-Type': 'application/json',
    'X-OpenStack-Ironic-API-Minimum-Version': '1.1',
    'X-OpenStack-Ironic-API-Maximum-Version': '1.82',
    'X-OpenStack-Ironic-API-Version': '1.82',
  };
  let base = '';
  let nodeList = [];
  let conductorList = [];
  const index = { nodes: new Map(), conductors: new Map() };
  const cache = new Map();
  const stats = { requests: 0 };

  const page = (kind, key, url) => {
    const limit = Math.min(Number(url.searchParams.get('limit') ?? MAX_LIMIT) || MAX_LIMIT, MAX_LIMIT);
    const marker = url.searchParams.get('marker');
    const cacheKey = `${kind}|${limit}|${marker}|${url.searchParams.get('detail')}`;
    const hit = cache.get(cacheKey);
    if (hit !== undefined) return hit;
    const all = kind === 'nodes' ? nodeList : conductorList;
    const start = marker === null ? 0 : (index[kind].get(marker) ?? -1) + 1;
    const items = all.slice(start, start + limit);
    const body = { [kind]: items };
    if (items.length === limit) {
      const params = new URLSearchParams(url.searchParams);
      params.set('limit', String(limit));
      params.set('marker', items[items.length - 1][key]);
      body.next = `${base}/v1/${kind}?${params}`;
    }
    const text = JSON.stringify(body);
    cache.set(cacheKey, text);
    return text;
  };

  const server = createServer((req, res) => {
    stats.requests += 1;
    const url = new URL(req.url ?? '/', 'http://x');
    req.resume();
    let status = 200;
    let text;
    if (req.method !== 'GET') {
      status = 405;
      text = JSON.stringify({ error_message: JSON.stringify({ faultstring: 'read-only benchmark API', faultcode: 'Client', debuginfo: null }) });
    } else if (url.pathname === '/') text = JSON.stringify(root.body);
    else if (url.pathname === '/v1/nodes') text = page('nodes', 'uuid', url);
    else if (url.pathname === '/v1/conductors') text = page('conductors', 'hostname', url);
    else {
      status = 404;
      text = JSON.stringify({ error_message: JSON.stringify({ faultstring: 'The resource could not be found.', faultcode: 'Client', debuginfo: null }) });
    }
    res.writeHead(status, headers);
    res.end(text);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  const template = nodeTemplate();
  nodeList = nodes(base, template);
  conductorList = conductors(base);
  nodeList.forEach((n, i) => index.nodes.set(n.uuid, i));
  conductorList.forEach((c, i) => index.conductors.set(c.hostname, i));
  return {
    url: base,
    stats,
    /** Serialises every page of a full node read ahead of time. */
    warm() {
      let marker = null;
      for (;;) {
        const url = new URL(`http://x/v1/nodes?detail=True&limit=${MAX_LIMIT}${marker ? `&marker=${marker}` : ''}`);
        const body = page('nodes', 'uuid', url);
        const start = marker === null ? 0 : index.nodes.get(marker) + 1;
        if (start + MAX_LIMIT >= nodeList.length) break;
        marker = nodeList[start + MAX_LIMIT - 1].uuid;
        if (body.length === 0) break;
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
