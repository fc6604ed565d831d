import { InternalError } from '../errors.js';
import type { HostSpec } from '../inventory/types.js';
import type { HostFile, HostObservation, ProcessInfo } from './types.js';
import type { ListenerTable } from './listener-table.js';
import { classifyConsoles, type Classification } from './classify-consoles.js';
import { conductorUserOf } from './conductor-user.js';
import { configuredFileDirs, filesInDirs, withConsoleFileDirs } from './file-dirs.js';
import { parseFilesSection, parsePidContents } from './parse-files.js';
import { confWarnings, effectiveSettings, parseIronicConf } from './parse-ironic-conf.js';
import { describeHostText } from './escaped-records.js';
import { joinProcesses, parsePasswdSection, type Parsed } from './parse-processes.js';
import { joinProcSockets, parseNetNsSection, parseProcNetTcp } from './parse-sockets.js';
import { sectionLines } from './probe-sections.js';
import { SELECT_PASS_FAILED } from './probe-select.js';
import { systemdConsolesOf } from './parse-systemd-consoles.js';
import { ProbeReader, type ProbeRecords } from './probe-stream.js';

/** At most this many dropped records are named one by one; the rest are counted. */
const MAX_NAMED_DROPS = 5;

/** Collects what parsers dropped, as warnings naming the host and the record. */
class DropWarnings {
  readonly lines: string[] = [];
  constructor(private readonly hostName: string) {}

  take<T>(section: string, parsed: Parsed<T>): T {
    parsed.dropped.slice(0, MAX_NAMED_DROPS).forEach((what) => this.lines.push(`${this.hostName}: dropped an unreadable ${section} record: ${what}`));
    const more = parsed.dropped.length - MAX_NAMED_DROPS;
    if (more > 0) this.lines.push(`${this.hostName}: dropped ${more} more unreadable ${section} records`);
    return parsed.value;
  }
}

/**
 * Turns the probe's whole output into what the host looks like (pure). observeHost feeds
 * a ProbeReader chunk by chunk instead and calls observationOf.
 */
export function parseProbeOutput(text: string, host: HostSpec): HostObservation {
  const reader = new ProbeReader(host.name);
  reader.push(text);
  return observationOf(reader.finish(), host);
}

/**
 * What the host looks like from its parsed probe records (pure). Only a missing header,
 * end marker or meta section fails the host; an unreadable record is dropped with a warning.
 */
export function observationOf(probe: ProbeRecords, host: HostSpec): HostObservation {
  // A section missing because a step of the probe failed: the host's own words say which.
  const failed = probe.warnings.find((line) => line.startsWith(`${SELECT_PASS_FAILED} (`));
  const section = (name: string): string => {
    if (!probe.seen.has(name)) {
      throw new InternalError(`${host.name}: probe output has no ${name} section${failed === undefined ? '' : ` (${describeHostText(failed)})`}`);
    }
    return probe.sections.get(name) ?? '';
  };
  const drops = new DropWarnings(host.name);
  const meta = parseMeta(section('meta'), host.name);
  for (const name of ['stat', 'cmdline', 'status']) section(name);
  const stats = drops.take('stat', probe.stats);
  const brief = drops.take('ps', probe.brief);
  // The probe itself always runs: no process at all means /proc was not read (no grep -z).
  if (stats.size === 0 && brief.length === 0) throw new InternalError(`${host.name}: the probe read no process from /proc (it needs a grep with -z)`);
  const processes = joinProcesses(
    stats,
    drops.take('cmdline', probe.argvs),
    drops.take('status', probe.statuses),
    parsePasswdSection(probe.sections.get('passwd') ?? ''),
    brief,
  );
  const listeners = parseListeners(probe, host.name, drops);
  const allFiles = drops.take(
    'files',
    parseFilesSection(probe.sections.get('files') ?? '', parsePidContents(probe.sections.get('pid-contents') ?? '')),
  );
  const conf = parseIronicConf(probe.sections.get('conf') ?? '');
  const privileged = meta.uid === 0;
  const foreignNetNs = parseNetNsSection(probe.sections.get('netns') ?? '');
  const classify = (files: readonly HostFile[]): Classification =>
    classifyConsoles({ processes, listeners, files, privileged, foreignNetNs });
  const where = fileScope(host, conf, allFiles, processes, classify);
  const systemd = systemdConsolesOf(probe.sections);
  const { consoles, orphans, unmanaged } = classify(where.files);
  return {
    host: host.name,
    conductorName: host.conductorName ?? host.settings.host ?? conf.host ?? host.name,
    bootId: meta.bootId,
    settings: effectiveSettings(conf, host),
    processes,
    listeners,
    files: where.files,
    fileDirs: where.fileDirs,
    conductorUser: where.conductorUser,
    filesSeenIn: host.container === undefined ? 'host' : 'container',
    consoles,
    orphans,
    unmanaged,
    containers: [...drops.take('containers', probe.containers), ...drops.take('user containers', systemd.containers)],
    containerEngines: probe.containerEngines,
    quadlets: drops.take('quadlets', systemd.quadlets),
    userUnits: drops.take('units', systemd.units),
    userManagers: systemd.listed,
    podmanUsers: systemd.podmanUsers,
    privileged,
    warnings: [
      ...probe.warnings,
      ...drops.lines,
      ...where.warnings,
      ...confWarnings(conf, host),
      ...(privileged ? [] : ['not root: sockets and files of other users may be hidden']),
    ],
  };
}

/**
 * Which files count: those in configured directories, then those in the pid-file
 * directories of consoles the conductor's user runs (found with the configured files
 * first). Files anywhere else were named by some argv and are ignored.
 */
function fileScope(
  host: HostSpec,
  conf: ReturnType<typeof parseIronicConf>,
  allFiles: readonly HostFile[],
  processes: readonly ProcessInfo[],
  classify: (files: readonly HostFile[]) => Classification,
): Pick<HostObservation, 'files' | 'fileDirs' | 'conductorUser'> & { warnings: string[] } {
  const configured = configuredFileDirs(host, conf);
  const first = classify(filesInDirs(allFiles, configured).kept);
  const conductorUser = conductorUserOf(processes, first.consoles);
  const fileDirs = withConsoleFileDirs(configured, first.consoles, processes, conductorUser);
  const { kept, ignored } = filesInDirs(allFiles, fileDirs);
  const warnings = conductorUser.notes.map((note) => `${host.name}: ${note}; files are removed only when owned by ${conductorUser.name}`);
  if (ignored.length > 0) {
    const dirs = [...new Set(ignored.map((f) => f.path.slice(0, f.path.lastIndexOf('/'))))].slice(0, 3);
    warnings.push(`${host.name}: ignored ${ignored.length} pid/password file(s) in directories no conductor setting or conductor-run console names (${dirs.join(', ')})`);
  }
  return { files: kept, fileDirs, conductorUser, warnings };
}

interface ProbeMeta {
  readonly bootId: string;
  readonly uid: number;
}

function parseMeta(body: string, hostName: string): ProbeMeta {
  const values = new Map(
    sectionLines(body).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
  );
  const meta = {
    bootId: values.get('boot_id') ?? '',
    uid: Number(values.get('uid')),
  };
  if (meta.bootId === '' || !Number.isInteger(meta.uid) || values.get('uid') === '') {
    throw new InternalError(`${hostName}: malformed meta section: ${JSON.stringify(Object.fromEntries(values))}`);
  }
  return meta;
}

function parseListeners(probe: ProbeRecords, hostName: string, drops: DropWarnings): ListenerTable {
  if (probe.listeners !== null) return drops.take(probe.seen.has('listen') ? 'listen' : 'ss', probe.listeners);
  const tcp = probe.sections.get('proc-net-tcp');
  if (!probe.seen.has('proc-net-tcp')) throw new InternalError(`${hostName}: probe output has neither a listen, an ss nor a proc-net-tcp section`);
  const sockets = [
    ...drops.take('proc-net-tcp', parseProcNetTcp(tcp ?? '', 'ipv4')),
    ...drops.take('proc-net-tcp6', parseProcNetTcp(probe.sections.get('proc-net-tcp6') ?? '', 'ipv6')),
  ];
  return joinProcSockets(sockets, probe.fdOwners);
}
