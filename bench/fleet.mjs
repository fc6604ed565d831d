/**
 * N simulated conductor hosts. Each host is a real OpenSSH sshd in a network namespace of
 * its own (bench/netns.mjs: its own 10.251.x.y address on a bridge the bench creates, so
 * its `ss` lists only its own sockets), PID 1 of its OWN PID namespace (so its `ps` shows
 * only its own processes, like a real conductor) and of its own mount namespace, where a per-host
 * directory is bind-mounted over /etc/ironic, /var/lib/ironic, /tmp and /root. Every host
 * therefore has ironic.conf at the default path and its pid files in kolla's
 * /var/lib/ironic/tmp: the probe that console-doctor builds is the same for every host,
 * so parallel-ssh and Ansible can send exactly that probe to all of them.
 *
 * Inside each namespace a start script launches, before exec'ing sshd:
 *   - socat consoles as ipmitool-socat starts them (-L lock file, TCP4-LISTEN bound to
 *     the host's address), children of one long-lived "conductor" process;
 *   - shellinaboxd consoles as ipmitool-shellinabox starts them (daemonised, --background
 *     pid file, listening on 0.0.0.0);
 *   - a few dozen unrelated sleeping processes;
 *   - a 0600 ipmitool password file per console;
 *   - in the busy profile (`busy`), first: P service processes with long command lines and
 *     S listening sockets (bench/busy-host.c), and the script waits until they all exist.
 *
 * Everything is ended by PID: killing the `unshare` process we spawned (it runs with
 * --kill-child=SIGKILL) kills the namespace's PID 1 and with it every process inside.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createNetwork, hostAddress, namespaceName } from './netns.mjs';

export { hostAddress };

export const SSH_PORT = 2222;
/** Console ports: 26000 + 10 * host index + daemon index (unique across the fleet, which keeps findings readable). */
export const CONSOLE_PORT_BASE = 26000;
const SLEEPERS = 24;
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const SHELLINABOX_PER_HOST = 2;

export function conductorName(index) {
  return `conductor-${String(index).padStart(3, '0')}`;
}

function generateKey(path) {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen ${path} failed: ${r.stderr}`);
  const [type, key] = readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/);
  return `${type} ${key}`;
}

const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/** Daemons of one host: `count` consoles, the last SHELLINABOX_PER_HOST of them shellinaboxd. */
export function planDaemons(index, count) {
  return Array.from({ length: count }, (_, j) => ({
    uuid: randomUUID(),
    port: CONSOLE_PORT_BASE + index * 10 + j,
    type: j >= count - Math.min(SHELLINABOX_PER_HOST, Math.floor(count / 4)) ? 'shellinabox' : 'socat',
  }));
}

function ipmitool(uuid, tmp) {
  return `ipmitool -I lanplus -H 10.20.${uuid.charCodeAt(0) % 200}.${uuid.charCodeAt(1) % 200} -L ADMINISTRATOR -U admin -f ${tmp}/${uuid}.pw sol activate`;
}

/** Busy-profile lines: start the helper's processes and sockets, wait for both (or fail the host). */
function busyLines(host, dir, busy) {
  if (!busy) return [];
  const procsReady = join(dir, 'busy-procs.ready');
  const socketsReady = join(dir, 'busy-sockets.ready');
  return [
    `${q(busy.helper)} procs ${busy.procs} ${busy.group} ${q(procsReady)} </dev/null >/dev/null 2>&1 &`,
    `${q(busy.helper)} sockets ${busy.sockets} ${q(socketsReady)} ${host.address} </dev/null >/dev/null 2>&1 &`,
    `for f in ${q(procsReady)} ${q(socketsReady)}; do`,
    '  while [ ! -s "$f" ]; do sleep 0.1; done',
    '  r=$(cat "$f"); [ "$r" = ok ] || { echo "busy profile: $r" >&2; exit 1; }',
    'done',
  ];
}

function startScript(host, dir, sshdConfig, networkCommands, busy) {
  const tmp = '/var/lib/ironic/tmp';
  const socats = host.daemons.filter((d) => d.type === 'socat');
  const shells = host.daemons.filter((d) => d.type === 'shellinabox');
  const lines = [
    '#!/bin/sh',
    '# PID 1 of this host\'s PID namespace, in its own network namespace: its own address,',
    '# /etc/ironic, /var/lib/ironic, /tmp and /root.',
    ...networkCommands.map((line) => `${line} || exit 1`),
    `mount --bind ${q(join(dir, 'etc-ironic'))} /etc/ironic || exit 1`,
    `mount --bind ${q(join(dir, 'var-lib-ironic'))} /var/lib/ironic || exit 1`,
    `mount --bind ${q(join(dir, 'tmp'))} /tmp || exit 1`,
    // Its own, empty root home: every login would otherwise run this machine's ~/.bashrc
    // (Debian's bash reads it for ssh sessions), here a `pyenv rehash` whose lock made 32
    // concurrent logins wait for each other.
    `mount --bind ${q(join(dir, 'root-home'))} /root || exit 1`,
    // The busy profile's services were there long before the consoles.
    ...busyLines(host, dir, busy),
    `for k in $(seq ${SLEEPERS}); do sleep $((86400 + k)) </dev/null >/dev/null 2>&1 & done`,
    ...host.daemons.map((d) => `printf 'secret\\n' > ${tmp}/${d.uuid}.pw; chmod 600 ${tmp}/${d.uuid}.pw`),
    // The "conductor": socat stays its child, as under ironic-conductor.
    '(',
    ...socats.map(
      (d) =>
        `  socat -T600 -L${tmp}/${d.uuid}.pid TCP4-LISTEN:${d.port},bind=${host.address},reuseaddr,fork,max-children=1 ${q(`EXEC:"${ipmitool(d.uuid, tmp)}",pty,stderr`)} </dev/null >/dev/null 2>&1 &`,
    ),
    '  exec sleep 2000000000',
    ') </dev/null >/dev/null 2>&1 &',
    ...shells.map(
      (d) =>
        `shellinaboxd -t -p ${d.port} --background=${tmp}/${d.uuid}.pid -s ${q(`/:0:0:HOME:${ipmitool(d.uuid, tmp)}`)} </dev/null >/dev/null 2>&1`,
    ),
    `for f in ${host.daemons.map((d) => `${tmp}/${d.uuid}.pid`).join(' ')}; do`,
    '  n=0; while [ ! -s "$f" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done',
    'done',
    `exec /usr/sbin/sshd -D -e -f ${q(sshdConfig)}`,
    '',
  ];
  return lines.join('\n');
}

function ironicConf(host) {
  return [
    '[DEFAULT]',
    `host = ${host.name}`,
    'tempdir = /var/lib/ironic/tmp',
    '[console]',
    'terminal_pid_dir = /var/lib/ironic/tmp',
    `socat_address = ${host.address}`,
    `port_range = ${CONSOLE_PORT_BASE + host.index * 10}:${CONSOLE_PORT_BASE + host.index * 10 + 9}`,
    '[database]',
    'connection = mysql+pymysql://ironic:bench-not-a-secret@192.0.2.1/ironic',
    '',
  ].join('\n');
}

function canConnect(address, port) {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitListening(host, child, deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      let last = '';
      try {
        last = readFileSync(host.log, 'utf8').trim().split('\n').pop() ?? '';
      } catch {
        /* no log */
      }
      throw new Error(`host ${host.name}: its start script or sshd exited early${last ? `: ${last}` : ''} (see ${host.log})`);
    }
    if (await canConnect(host.address, SSH_PORT)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`host ${host.name}: sshd did not listen on ${host.address}:${SSH_PORT} within ${deadlineMs} ms (see ${host.log})`);
}

/**
 * Starts `n` hosts with `daemonsPerHost` consoles each under `workdir` (which must not be
 * under /tmp: /tmp is replaced inside each host). `busy` (the busy profile, optional):
 * {helper, procs, group, sockets}. Returns the hosts, the client key, a known_hosts file
 * covering every host, and stop().
 */
export async function startFleet({ n, daemonsPerHost, workdir, busy }) {
  mkdirSync(workdir, { recursive: true });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(workdir, 'host_ed25519');
  const hostKeyLine = generateKey(hostKey);
  const clientKey = join(workdir, 'client_ed25519');
  const clientLine = generateKey(clientKey);
  const authorizedKeys = join(workdir, 'authorized_keys');
  writeFileSync(authorizedKeys, `${clientLine}\n`, { mode: 0o600 });

  const hosts = Array.from({ length: n }, (_, index) => ({
    index,
    name: conductorName(index),
    address: hostAddress(index),
    port: SSH_PORT,
    daemons: planDaemons(index, daemonsPerHost),
    log: join(workdir, `h${index}`, 'sshd.log'),
  }));
  const knownHostsFile = join(workdir, 'known_hosts');
  writeFileSync(knownHostsFile, hosts.map((h) => `[${h.address}]:${SSH_PORT} ${hostKeyLine}\n`).join(''));

  const network = createNetwork(n);
  const children = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            // unshare --fork blocks SIGTERM while it waits: KILL it; --kill-child ends the namespace.
            child.kill('SIGKILL');
          }),
      ),
    );
    children.length = 0;
    network.stop();
  };

  try {
    for (const host of hosts) {
      const dir = join(workdir, `h${host.index}`);
      for (const sub of ['etc-ironic', 'var-lib-ironic/tmp', 'tmp', 'root-home']) mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(join(dir, 'etc-ironic', 'ironic.conf'), ironicConf(host));
      const sshdConfig = join(dir, 'sshd_config');
      writeFileSync(
        sshdConfig,
        [
          `ListenAddress ${host.address}:${SSH_PORT}`,
          `HostKey ${hostKey}`,
          `AuthorizedKeysFile ${authorizedKeys}`,
          `PidFile ${join(dir, 'sshd.pid')}`,
          'StrictModes no',
          'UsePAM no',
          'PermitRootLogin prohibit-password',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'LogLevel ERROR',
          'UseDNS no',
          'MaxStartups 1000',
          'MaxSessions 100',
          '',
        ].join('\n'),
      );
      const script = join(dir, 'start.sh');
      writeFileSync(script, startScript(host, dir, sshdConfig, network.insideCommands(host.index), busy), { mode: 0o755 });
      const log = openSync(host.log, 'w');
      // `ip netns exec` execs unshare in place: the child's pid stays the one to kill.
      const child = spawn('ip', ['netns', 'exec', namespaceName(host.index), 'unshare', '--pid', '--fork', '--mount-proc', '--kill-child=SIGKILL', '/bin/sh', script], {
        stdio: ['ignore', log, log],
      });
      closeSync(log);
      children.push(child);
    }
    // Busy hosts start 100,000 processes between them on 2 shared cores (N = 50 x 2,000
    // with 5,000 sockets each took 235 s on a loaded machine): allow 2 ms per process and
    // 0.5 ms per socket.
    const deadlineMs = busy ? 120_000 + n * (2 * busy.procs + busy.sockets / 2) : 60_000;
    await Promise.all(hosts.map((host, i) => waitListening(host, children[i], deadlineMs)));
  } catch (error) {
    await stop();
    throw error;
  }
  const unsharePids = new Set(children.map((c) => c.pid));
  const sshdPids = readdirSync('/proc')
    .filter((e) => /^[0-9]+$/.test(e))
    .filter((pid) => {
      try {
        return unsharePids.has(Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]));
      } catch {
        return false;
      }
    })
    .map(Number);
  /**
   * CPU ms used so far on the "hosts": every sshd (PID 1 of its namespace) with the
   * sessions and probes it has reaped. Differences around a run give the server-side cost.
   */
  const serverCpuMs = () =>
    sshdPids.reduce((sum, pid) => {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        return sum + ((Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 1000) / CLK_TCK;
      } catch {
        return sum;
      }
    }, 0);
  return { hosts, clientKey, knownHostsFile, hostKeyLine, serverCpuMs, sshdPids, stop, remove: () => rmSync(workdir, { recursive: true, force: true }) };
}
