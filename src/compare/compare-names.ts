/**
 * Findings about what Ironic's names leave open: nodes without an owner field, hosts whose
 * conductor Ironic does not know, and two inventory names for one machine. Each says once
 * what could not be judged, instead of a verdict per console.
 */
import type { DesiredNode } from '../desire/types.js';
import { type FleetContext, type HostContext, liveDaemons, nodeLabel } from './fleet-context.js';
import { makeFinding } from './make-finding.js';
import type { Finding } from './types.js';

const EXAMPLES = 5;

function examples(names: readonly string[]): string {
  return names.length > EXAMPLES ? `${names.slice(0, EXAMPLES).join(', ')} and ${names.length - EXAMPLES} more` : names.join(', ');
}

/** Nodes whose answer had no `conductor` field: one fleet-wide warning, no verdict by owner. */
export function compareOwnerUnknown(context: FleetContext): Finding[] {
  const unknown: DesiredNode[] = context.desired.nodes.filter((n) => n.conductor === undefined);
  if (unknown.length === 0) return [];
  const uuids = new Set(unknown.map((n) => n.uuid));
  const consoles = [...context.hosts.values()].flatMap((h) =>
    h.observation === null ? [] : liveDaemons(h.observation).filter((d) => uuids.has(d.nodeUuid)).map((d) => `${h.host} pid ${d.pid} (node ${d.nodeUuid})`),
  );
  const count = unknown.length === 1 ? '1 node has' : `${unknown.length} nodes have`;
  return [
    makeFinding({
      kind: 'owner-unknown',
      severity: 'warning',
      host: null,
      key: 'fleet',
      actual: `${unknown.length} nodes without conductor`,
      message: `${count} no "conductor" field in Ironic's answer (a proxy or an older API dropped it): owner unknown, so their consoles get no wrong-host, missing or stray-credential verdict and nothing of theirs is killed`,
      evidence: [
        `nodes: ${examples(unknown.map((n) => nodeLabel(n, n.uuid)))}`,
        consoles.length === 0 ? 'no console of these nodes was seen' : `their consoles seen: ${examples(consoles)}`,
        `Ironic's API ${context.desired.endpoint} answered at microversion ${context.desired.apiVersion}; node.conductor needs 1.49`,
      ],
      remedy: 'report',
    }),
  ];
}

/** A scanned host whose conductor name matches no conductor Ironic lists or maps nodes to. */
export function compareUnknownConductor(context: FleetContext, host: HostContext): Finding[] {
  if (host.ironicName !== null || host.observation === null) return [];
  const known = [...new Set([...context.desired.conductors.map((c) => c.hostname), ...context.nodesByConductor.keys()])].sort();
  const consoles = liveDaemons(host.observation).length;
  return [
    makeFinding({
      kind: 'unknown-conductor',
      severity: 'warning',
      host: host.host,
      key: host.host,
      expected: 'a conductor Ironic lists',
      actual: host.conductorName,
      message: `${host.host}: conductor ${host.conductorName} matches no conductor Ironic lists: its ${consoles} console${consoles === 1 ? '' : 's'} are not called strays (set conductor_name in the inventory if Ironic knows it by another name)`,
      evidence: [
        `matched with and without Ironic's :port suffix and as FQDN or short name`,
        `Ironic's conductors: ${known.length === 0 ? 'none' : examples(known)}`,
        'a console here is only a stray when its owner, another host, runs the node\'s console',
      ],
      remedy: 'report',
    }),
  ];
}

/** An inventory name that reached a machine already scanned under another name. */
export function compareHostAlias(alias: string, primary: string): Finding {
  return makeFinding({
    kind: 'host-alias',
    severity: 'info',
    host: alias,
    key: alias,
    expected: 'one inventory name per machine',
    actual: `same machine as ${primary}`,
    message: `${alias} is the same machine as ${primary} (same boot and processes): compared once, as ${primary}`,
    evidence: [`${alias} and ${primary} reported the same boot_id and the same processes`, 'its consoles and files are counted and fixed under ' + primary],
    remedy: 'report',
  });
}
