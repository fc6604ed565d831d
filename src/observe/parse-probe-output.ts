import { InternalError } from '../errors.js';
import type { HostSpec } from '../inventory/types.js';
import type { HostObservation, ListenSocket } from './types.js';
import { classifyConsoles } from './classify-consoles.js';
import { parseFilesSection, parsePidContents } from './parse-files.js';
import { effectiveSettings, parseIronicConf } from './parse-ironic-conf.js';
import {
  joinProcesses,
  parseCmdlineSection,
  parsePasswdSection,
  parseStatSection,
  parseStatusSection,
} from './parse-processes.js';
import { joinProcSockets, parseFdSection, parseNetNsSection, parseProcNetTcp, parseSsSection } from './parse-sockets.js';
import { requireSection, sectionLines, splitProbeSections, type ProbeSections } from './probe-sections.js';

/** Turns the probe's output into what the host looks like (pure). */
export function parseProbeOutput(text: string, host: HostSpec): HostObservation {
  const probe = splitProbeSections(text, host.name);
  const section = (name: string): string => requireSection(probe, name, host.name);
  const meta = parseMeta(section('meta'), host.name);
  const processes = joinProcesses(
    parseStatSection(section('stat'), host.name),
    parseCmdlineSection(section('cmdline')),
    parseStatusSection(section('status'), host.name),
    parsePasswdSection(probe.sections.get('passwd') ?? ''),
  );
  const listeners = parseListeners(probe, host.name);
  const files = parseFilesSection(
    probe.sections.get('files') ?? '',
    parsePidContents(probe.sections.get('pid-contents') ?? ''),
    host.name,
  );
  const conf = parseIronicConf(probe.sections.get('conf') ?? '');
  const privileged = meta.uid === 0;
  const { consoles, orphans, unmanaged } = classifyConsoles({
    processes,
    listeners,
    files,
    privileged,
    foreignNetNs: parseNetNsSection(probe.sections.get('netns') ?? ''),
  });
  return {
    host: host.name,
    conductorName: host.conductorName ?? host.settings.host ?? conf.host ?? host.name,
    bootId: meta.bootId,
    clockTicks: meta.clockTicks,
    observedAt: meta.observedAt,
    settings: effectiveSettings(conf, host),
    processes,
    listeners,
    files,
    consoles,
    orphans,
    unmanaged,
    privileged,
    warnings: [...probe.warnings, ...(privileged ? [] : ['not root: sockets and files of other users may be hidden'])],
  };
}

interface ProbeMeta {
  readonly bootId: string;
  readonly clockTicks: number;
  readonly observedAt: string;
  readonly uid: number;
}

function parseMeta(body: string, hostName: string): ProbeMeta {
  const values = new Map(
    sectionLines(body).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
  );
  const meta = {
    bootId: values.get('boot_id') ?? '',
    clockTicks: Number(values.get('clk_tck')),
    observedAt: values.get('now') ?? '',
    uid: Number(values.get('uid')),
  };
  if (meta.bootId === '' || !(meta.clockTicks > 0) || !/^\d{4}-\d\d-\d\dT/.test(meta.observedAt) || !Number.isInteger(meta.uid)) {
    throw new InternalError(`${hostName}: malformed meta section: ${JSON.stringify(Object.fromEntries(values))}`);
  }
  return meta;
}

function parseListeners(probe: ProbeSections, hostName: string): ListenSocket[] {
  const ss = probe.sections.get('ss');
  if (ss !== undefined) return parseSsSection(ss, hostName);
  const tcp = probe.sections.get('proc-net-tcp');
  if (tcp === undefined) throw new InternalError(`${hostName}: probe output has neither an ss nor a proc-net-tcp section`);
  const sockets = [
    ...parseProcNetTcp(tcp, 'ipv4', hostName),
    ...parseProcNetTcp(probe.sections.get('proc-net-tcp6') ?? '', 'ipv6', hostName),
  ];
  return joinProcSockets(sockets, parseFdSection(probe.sections.get('fd') ?? ''));
}
