/**
 * Adversarial suite, Ironic's side (issue 10, items 5, 6 and 7): an Ironic (or a proxy in
 * front of it) that leaves fields out, names its conductors `host:port`, hides nodes from
 * its lists, or cannot be read at all. The built binary runs against a real sshd with real
 * socat consoles and the fake Ironic answering badly; nothing legitimate may be killed and
 * no output may say "clean" when the tool could not tell.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeIronicPerTest, fixture, type CannedResponse, type RecordedRequest } from '../helpers/fake-ironic.js';
import { runTool } from '../helpers/run-tool.js';
import { freePort } from '../helpers/sshd.js';
import { ironicNode, startCliHost, without, type CliHost } from './cli-host.js';

interface JsonReport {
  exit_code: number;
  ironic: { error: string | null };
  summary: { consoles: number; nodes: number | null; findings: number; verdict: string };
  findings: { kind: string; node_uuid: string | null; host: string | null; remedy: string; message: string }[];
}

const alive = (hostname: string) => ({ hostname, conductor_group: '', alive: true });

// Each case runs the binary several times over SSH: generous limits for a loaded CI machine.
describe('adversarial: Ironic answers that lie or leave things out', { timeout: 150_000 }, () => {
  let host: CliHost;
  const startIronic = fakeIronicPerTest();

  beforeAll(async () => {
    host = await startCliHost('conductor-m');
  }, 120_000);
  afterAll(async () => {
    await host?.stop();
  });
  afterEach(() => host.stopConsoles());

  describe('missing is not none (item 6)', () => {
    it('a node without a "conductor" field is owner-unknown: fix --yes --node kills nothing, removes no .pw, and says why', async () => {
      const uuid = randomUUID();
      const { pid, port } = await host.startSocat(uuid);
      const ironic = await startIronic({
        nodes: [without(ironicNode(uuid, 'node-x', 'conductor-m', port), 'conductor')],
        conductors: [alive('conductor-m')],
      });
      const fix = await host.run(['fix', '--yes', '--node', 'node-x'], ironic.url);
      expect(host.alive(pid), fix.stdout + fix.stderr).toBe(true);
      expect(host.exists(host.pwFile(uuid))).toBe(true);
      expect(fix.stdout).not.toContain('All clean');
      expect(fix.stdout + fix.stderr).toMatch(/1 node has no "conductor" field/);
      expect(fix.code).not.toBe(0);

      const scan = await host.run(['scan', '--format', 'json'], ironic.url);
      const report = JSON.parse(scan.stdout) as JsonReport;
      expect(report.findings.map((f) => f.kind)).toEqual(['owner-unknown']);
      expect(report.findings[0]?.remedy).toBe('report');
      expect(report.summary.consoles).toBe(1);
      expect(scan.code).toBe(1);
    });

    it('a node whose conductor is null keeps its only console: reported, never killed', async () => {
      const uuid = randomUUID();
      const { pid, port } = await host.startSocat(uuid);
      const ironic = await startIronic({ nodes: [ironicNode(uuid, 'node-n', null, port)], conductors: [alive('conductor-m')] });
      const fix = await host.run(['fix', '--yes', '--node', 'node-n', '--format', 'json'], ironic.url);
      const report = JSON.parse(fix.stdout) as JsonReport;
      expect(host.alive(pid), fix.stderr).toBe(true);
      expect(host.exists(host.pwFile(uuid))).toBe(true);
      const finding = report.findings.find((f) => f.node_uuid === uuid);
      expect(finding?.kind).toBe('wrong-host');
      expect(finding?.remedy).toBe('report');
      expect(finding?.message).toMatch(/its only console is kept/);
    });

    it('a console of a node Ironic does not list is judged by GET /v1/nodes/<uuid>: found is kept, only a 404 is unknown-node and killed', async () => {
      const hidden = randomUUID(); // self-parented (Debian 29.0.5) on an API below 1.83: lists hide it, GET finds it
      const gone = randomUUID(); // deleted: 404
      const consoles = new Map<string, { pid: number; port: number }>();
      for (const uuid of [hidden, gone]) consoles.set(uuid, await host.startSocat(uuid));
      const ironic = await startIronic({
        nodes: [],
        hiddenNodes: [ironicNode(hidden, 'node-hidden', 'conductor-m', consoles.get(hidden)!.port, { parent_node: hidden })],
        conductors: [alive('conductor-m')],
      });
      const scan = await host.run(['scan', '--format', 'json'], ironic.url);
      const report = JSON.parse(scan.stdout) as JsonReport;
      expect(report.findings.filter((f) => f.node_uuid === hidden), scan.stderr).toEqual([]);
      expect(report.findings.filter((f) => f.kind === 'unknown-node').map((f) => f.node_uuid)).toEqual([gone]);

      const fix = await host.run(['fix', '--yes', '--force'], ironic.url);
      expect(host.alive(consoles.get(hidden)!.pid), fix.stderr).toBe(true);
      expect(host.alive(consoles.get(gone)!.pid), fix.stderr).toBe(false);
      // The credential file of the console left running stays: it still reads it.
      expect(host.exists(host.pwFile(hidden))).toBe(true);
      expect(host.exists(host.pwFile(gone))).toBe(false);
      expect(ironic.requests.some((r) => r.method === 'GET' && r.path.startsWith(`/v1/nodes/${gone}`))).toBe(true);
    }, 240_000);

    it('a node the list does not show and whose GET fails is not judged: exit 3, nothing killed, the node named', async () => {
      const flaky = randomUUID(); // the check itself fails: 503
      const { pid } = await host.startSocat(flaky);
      const ironic = await startIronic({ nodes: [], conductors: [alive('conductor-m')] });
      ironic.overrides.push((req: RecordedRequest): CannedResponse | undefined =>
        req.method === 'GET' && req.path.startsWith(`/v1/nodes/${flaky}`) ? { status: 503, raw: 'Service Unavailable' } : undefined,
      );
      const fix = await host.run(['fix', '--yes', '--force'], ironic.url);
      expect(host.alive(pid), fix.stderr).toBe(true);
      expect(host.exists(host.pwFile(flaky))).toBe(true);
      expect(fix.code).toBe(3);
      expect(fix.stdout + fix.stderr).toMatch(new RegExp(`node ${flaky} is not in the node list, and GET /v1/nodes/${flaky} could not tell whether it exists: 503`));
    }, 240_000);

    it('Ironic 29.0 (Debian 29.0.5 self-parents PATCHed nodes): read with include_children, reported, never killed', async () => {
      const uuid = randomUUID();
      const { pid, port } = await host.startSocat(uuid);
      const ironic = await startIronic({
        root: fixture('releases/29.0/root.json'),
        nodes: [ironicNode(uuid, 'node-self', 'conductor-m', port, { parent_node: uuid })],
        conductors: [alive('conductor-m')],
      });
      const scan = await host.run(['scan', '--format', 'json'], ironic.url);
      const report = JSON.parse(scan.stdout) as JsonReport & { self_parented_nodes: { uuid: string; name: string | null }[] };
      expect(report.findings, scan.stderr).toEqual([]);
      expect(report.self_parented_nodes).toEqual([{ uuid, name: 'node-self' }]);
      expect(ironic.requests.some((r) => r.path.startsWith(`/v1/nodes/${uuid}`))).toBe(false); // listed: no per-node GET needed
      const text = await host.run(['scan'], ironic.url);
      expect(text.stdout).toMatch(/1 self-parented node .*node-self/);
      const fix = await host.run(['fix', '--yes', '--force'], ironic.url);
      expect(host.alive(pid), fix.stderr).toBe(true);
    }, 240_000);
  });

  describe('names mean the same conductor (item 5)', () => {
    it('a conductor registered as host:port (json-rpc port 8099) owns its consoles: scan is clean, fix kills nothing', async () => {
      const uuid = randomUUID();
      const { pid, port } = await host.startSocat(uuid);
      // As a 29.0 conductor with [json_rpc]port = 8099 registers, and node.conductor says.
      const ironic = await startIronic({ nodes: [ironicNode(uuid, 'node-p', 'conductor-m:8099', port)], conductors: [alive('conductor-m:8099')] });
      const scan = await host.run(['scan', '--format', 'json', '--node', 'node-p'], ironic.url);
      expect((JSON.parse(scan.stdout) as JsonReport).findings).toEqual([]);
      expect(scan.code).toBe(0);
      const fix = await host.run(['fix', '--yes', '--node', 'node-p'], ironic.url);
      expect(host.alive(pid), fix.stderr).toBe(true);
    });

    it('a host that matches no conductor Ironic knows is said so; its consoles are not called strays', async () => {
      const uuid = randomUUID();
      const { pid, port } = await host.startSocat(uuid);
      const ironic = await startIronic({ nodes: [ironicNode(uuid, 'node-q', 'conductor-x', port)], conductors: [alive('conductor-x')] });
      const scan = await host.run(['scan', '--format', 'json'], ironic.url);
      const report = JSON.parse(scan.stdout) as JsonReport;
      expect(report.findings.map((f) => f.kind)).not.toContain('wrong-host');
      expect(report.findings.find((f) => f.kind === 'unknown-conductor')?.message).toMatch(/conductor-m matches no conductor Ironic lists/);
      const fix = await host.run(['fix', '--yes'], ironic.url);
      expect(host.alive(pid), fix.stderr).toBe(true);
    });

    it('two inventory names for one machine are compared once, and the report says so', async () => {
      const uuid = randomUUID();
      const { port } = await host.startSocat(uuid);
      const ironic = await startIronic({ nodes: [ironicNode(uuid, 'node-r', 'conductor-m', port)], conductors: [alive('conductor-m')] });
      const inventory = host.inventory(['conductor-m', 'conductor-m-by-ip']);
      const scan = await host.run(['scan', '--format', 'json', '--node', 'node-r', '--host', 'conductor-m,conductor-m-by-ip'], ironic.url, inventory);
      const all = await host.run(['scan', '--format', 'json'], ironic.url, inventory);
      const report = JSON.parse(all.stdout) as JsonReport;
      expect((JSON.parse(scan.stdout) as JsonReport).findings).toEqual([]);
      const alias = report.findings.filter((f) => f.kind === 'host-alias');
      expect(alias.map((f) => f.host)).toEqual(['conductor-m-by-ip']);
      expect(alias[0]?.message).toMatch(/same machine as conductor-m/);
      const consolesOnce = report.findings.filter((f) => f.host === 'conductor-m-by-ip' && f.kind !== 'host-alias');
      expect(consolesOnce).toEqual([]);
    });
  });

  describe('never "clean" when it could not tell (item 7)', () => {
    type Fault = { name: string; url?: () => Promise<string>; extraArgs?: string[] } & Parameters<typeof startIronic>[0] & {
      override?: (req: RecordedRequest) => CannedResponse | undefined;
    };
    const api = (req: RecordedRequest): boolean => req.path.startsWith('/v1/');
    const faults: Fault[] = [
      { name: 'refused', url: async () => `http://127.0.0.1:${await freePort()}` },
      { name: 'silent', override: () => ({ status: 200, hang: true }), extraArgs: ['--api-timeout', '1s'] },
      { name: '503', override: (req) => (api(req) ? { status: 503, raw: '<html>Service Unavailable</html>' } : undefined) },
      { name: 'HTML', override: (req) => (api(req) ? { status: 200, raw: '<html><body>Login</body></html>' } : undefined) },
      {
        name: 'bad JSON',
        override: (req) => (api(req) ? { status: 200, raw: '{"nodes": [', headers: { 'Content-Type': 'application/json' } } : undefined),
      },
      {
        name: 'failing page 2',
        maxLimit: 1,
        nodes: [ironicNode(randomUUID(), 'p1', 'conductor-m', 1), ironicNode(randomUUID(), 'p2', 'conductor-m', 2)],
        override: (req) => (req.path.includes('marker=') ? { status: 500, body: { error_message: 'boom' } } : undefined),
      },
      { name: 'microversion too old', root: fixture('root-1.46.json') },
    ];
    const observed = 1;

    async function ironicFor(fault: Fault): Promise<string> {
      if (fault.url !== undefined) return fault.url();
      const { name: _name, override, extraArgs: _extra, ...options } = fault;
      const ironic = await startIronic({ nodes: [], conductors: [alive('conductor-m')], ...options });
      if (override !== undefined) ironic.overrides.push(override);
      return ironic.url;
    }

    it.each(faults)('Ironic $name: text, -q, JSON, JUnit and metrics all say Ironic could not be read, and give no verdict', async (fault) => {
      await host.startSocat(randomUUID());
      const url = await ironicFor(fault);
      const extra = fault.extraArgs ?? [];
      const metrics = join(host.dir, `metrics-${fault.name.replace(/\W/g, '')}.prom`);

      const text = await host.run(['scan', '-q', ...extra], url);
      expect(text.code).toBe(3);
      expect(text.stdout).not.toContain('All clean');
      expect(text.stdout).toMatch(/Ironic could not be read/);
      expect(text.stdout).toMatch(/no verdict/);

      const json = await host.run(['scan', '--format', 'json', '--metrics-file', metrics, ...extra], url);
      const report = JSON.parse(json.stdout) as JsonReport;
      expect(report.ironic.error).not.toBeNull();
      expect(report.summary.verdict).toBe('unknown');
      expect(report.summary.nodes).toBeNull();
      expect(report.summary.consoles).toBeGreaterThanOrEqual(observed);
      expect(report.exit_code).toBe(3);
      const prom = readFileSync(metrics, 'utf8');
      expect(prom).toMatch(/^console_doctor_ironic_up 0$/m);
      expect(prom).not.toMatch(/^console_doctor_consoles_observed 0$/m);
      expect(prom).not.toMatch(/^console_doctor_findings\{kind="wrong-host",severity="critical"\} 0$/m);

      const junit = await host.run(['scan', '--format', 'junit', ...extra], url);
      const suite = /<testsuite name="conductor-m" [^>]*>/.exec(junit.stdout)?.[0] ?? '';
      expect(suite).toMatch(/skipped="[1-9]/);
      expect(junit.stdout).toMatch(/Ironic could not be read/);
    }, 150_000);

    it('a project-scoped token on an Ironic that enforces scope (2025.1+): exit 3, one line naming the scope, no verdict, fix kills nothing', async () => {
      const uuid = randomUUID();
      const { pid } = await host.startSocat(uuid); // its node is one the token cannot see
      const projectToken = 'gAAAAAB-project-scoped-token';
      const ironic = await startIronic({ root: fixture('releases/29.0/root.json'), nodes: [], conductors: [alive('conductor-m')], requireToken: 'system-token', projectScopedToken: projectToken });
      const env = { HOME: join(host.dir, 'home'), OS_AUTH_TYPE: 'token', OS_TOKEN: projectToken, OS_ENDPOINT: ironic.url, CONSOLE_DOCTOR_AUDIT_DB: join(host.dir, 'audit.db'), NO_COLOR: '1' };
      const common = ['-i', host.inventory(['conductor-m']), '--known-hosts-file', join(host.dir, 'known_hosts')];
      const scan = await runTool(['scan', '--format', 'json', ...common], env);
      const report = JSON.parse(scan.stdout) as JsonReport;
      expect(scan.code).toBe(3);
      expect(report.summary.verdict).toBe('unknown');
      expect(report.findings.map((f) => f.kind)).not.toContain('unknown-node');
      expect(report.ironic.error).toBe(`Ironic at ${ironic.url} refused the conductor list (403): Access was denied to the following resource: baremetal:conductor:get; the token's scope is unknown to console-doctor: Ironic 2025.1+ needs a system-scoped token (system_scope: all)`);
      expect(scan.stdout + scan.stderr).not.toContain(projectToken);
      const fix = await runTool(['fix', '--yes', '--force', ...common], env);
      expect(fix.code).toBe(3);
      // The reason once, and that nothing was changed: not the same error twice.
      expect(fix.stderr.split('\n').filter((line) => line.includes('refused the conductor list')), fix.stderr).toHaveLength(1);
      expect(fix.stderr).toMatch(/^console-doctor: no fix: Ironic could not be read whole; nothing was changed$/m);
      expect(host.alive(pid), fix.stderr).toBe(true);
      expect(host.exists(host.pwFile(uuid))).toBe(true);
    });

    it('pagination whose next carries a new marker on every page stops with an error, not after thousands of requests', async () => {
      const ironic = await startIronic({ nodes: [ironicNode(randomUUID(), 'loop', 'conductor-m', 1)], conductors: [alive('conductor-m')], endlessPages: true, maxLimit: 1 });
      const scan = await host.run(['scan', '--format', 'json'], ironic.url);
      expect(scan.code).toBe(3);
      expect(ironic.requests.filter((r) => r.path.startsWith('/v1/nodes')).length).toBeLessThan(10);
      expect((JSON.parse(scan.stdout) as JsonReport).ironic.error).toMatch(/brought no new node/);
    });
  });
});
