import { type LineParser, recordLineParser } from './parse-processes.js';
import type { ConsoleContainer, ContainerEngine, PublishedPort } from './types.js';

/**
 * Graphical consoles (issue 14): Ironic's `container` console provider (2025.1+,
 * `ironic/console/container/container.py`) runs one container per node through podman or
 * docker: `run --detach --rm --name ironic-console-<uuid> --label
 * org.openstack.ironic.console=true --label org.openstack.ironic.conductor=<CONF.host>
 * --label org.openstack.ironic.node=<uuid> --publish … <image>`.
 */
export const CONSOLE_LABEL = 'org.openstack.ironic.console';
export const CONDUCTOR_LABEL = 'org.openstack.ironic.conductor';
export const NODE_LABEL = 'org.openstack.ironic.node';
export const CONTAINER_NAME_PREFIX = 'ironic-console-';
/** The systemd provider's quadlet containers: `systemd-ironic-console-<uuid>`, without Ironic's labels. */
export const SYSTEMD_CONTAINER_PREFIX = 'systemd-ironic-console-';

/**
 * The `ps -a --no-trunc --format` template the probe gives podman and docker: both render
 * it the same way (`.Label "key"` is empty when the label is missing). Never `inspect`:
 * Ironic passes the BMC credentials in the container's environment (`APP_INFO`).
 */
export const CONTAINER_PS_FORMAT = [
  '{{.ID}}',
  '{{.Names}}',
  '{{.State}}',
  `{{.Label "${CONSOLE_LABEL}"}}`,
  `{{.Label "${CONDUCTOR_LABEL}"}}`,
  `{{.Label "${NODE_LABEL}"}}`,
  '{{.Ports}}',
].join('\t');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ID = /^[0-9a-f]{64}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}$/;
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,254}$/;
const PORT = /^([0-9A-Fa-f.:[\]]*):(\d{1,5})->(\d{1,5})\/tcp$/;

function parsePorts(text: string): PublishedPort[] | null {
  if (text === '') return [];
  const ports: PublishedPort[] = [];
  for (const part of text.split(/,\s*/)) {
    const m = PORT.exec(part);
    if (m === null) {
      if (/\/udp$/.test(part) || /^\d+\/tcp$/.test(part)) continue; // not published over TCP
      return null;
    }
    const hostPort = Number(m[2]);
    const containerPort = Number(m[3]);
    if (hostPort < 1 || hostPort > 65535 || containerPort < 1 || containerPort > 65535) return null;
    ports.push({ address: m[1] === '' ? '*' : m[1]!.replace(/^\[(.*)\]$/, '$1'), hostPort, containerPort });
  }
  return ports;
}

/**
 * Reads one engine's `ps` lines (CONTAINER_PS_FORMAT) and keeps Ironic's console
 * containers: labelled `org.openstack.ironic.console=true`, or named `ironic-console-…`
 * (a custom template that dropped the labels) or `systemd-ironic-console-…` (the systemd
 * provider's quadlets, which carry no Ironic labels). Every other container is left out;
 * a line that does not parse is dropped, described safely. `uid`: the user whose rootless
 * engine was listed, null for root's.
 */
export function containerParser(engine: ContainerEngine, uid: number | null = null): LineParser<ConsoleContainer[]> {
  return recordLineParser((line) => {
    const fields = line.split('\t');
    const [id, name, state, consoleLabel, conductor, node, portText] = fields;
    if (fields.length !== 7 || !ID.test(id!) || !NAME.test(name!) || !/^[a-z]{1,20}$/.test(state!)) return null;
    const labelled = consoleLabel === 'true';
    const prefix = [SYSTEMD_CONTAINER_PREFIX, CONTAINER_NAME_PREFIX].find((p) => name!.startsWith(p));
    if (!labelled && prefix === undefined) return 'skip';
    const ports = parsePorts(portText!);
    if (ports === null || (conductor !== '' && !HOST_NAME.test(conductor!))) return null;
    const nameRest = prefix === undefined ? '' : name!.slice(prefix.length);
    return {
      engine,
      uid,
      provider: prefix === SYSTEMD_CONTAINER_PREFIX && !labelled ? 'systemd' : 'container',
      id: id!,
      name: name!,
      state: state!,
      labelled,
      conductor: conductor === '' ? null : conductor!,
      nodeUuid: UUID.test(node!) ? node! : null,
      nameUuid: UUID.test(nameRest) ? nameRest : null,
      ports,
    };
  });
}
