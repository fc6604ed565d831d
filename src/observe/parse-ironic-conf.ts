import type { ConductorSettings, HostSpec } from '../inventory/types.js';
import type { HostObservation } from './types.js';
import { parsePortRanges } from '../port-range.js';
import { describeHostText } from './escaped-records.js';
import { sectionLines } from './probe-sections.js';

/** Where each filtered ironic.conf key lives (oslo.config: the section decides). */
const KEYS: Readonly<Record<string, { section: string; field: keyof ConductorSettings }>> = {
  host: { section: 'DEFAULT', field: 'host' },
  tempdir: { section: 'DEFAULT', field: 'tempdir' },
  terminal_pid_dir: { section: 'console', field: 'terminalPidDir' },
  socat_address: { section: 'console', field: 'socatAddress' },
  port_range: { section: 'console', field: 'portRange' },
  enabled: { section: 'vnc', field: 'vncEnabled' },
  container_provider: { section: 'vnc', field: 'containerProvider' },
  container_executable: { section: 'vnc', field: 'containerExecutable' },
  container_host: { section: 'vnc', field: 'containerHost' },
};

/**
 * The probe's filtered ironic.conf: section headers and `key=value` for the keys it sends.
 * A key counts only in its own section (`host` also appears in [database] URLs' sections
 * of some deployments, and `[oslo_messaging_rabbit]` has its own hosts). Last one wins.
 */
export function parseIronicConf(body: string): ConductorSettings {
  let section = '';
  const values: Record<string, string> = {};
  for (const line of sectionLines(body)) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header !== null) {
      section = header[1] as string;
      continue;
    }
    const eq = line.indexOf('=');
    const spec = KEYS[line.slice(0, eq)];
    if (eq > 0 && spec !== undefined && spec.section === section) values[spec.field] = line.slice(eq + 1);
  }
  return values;
}

/** ironic.conf values overridden by the inventory, with Ironic's defaults filled in. */
export function effectiveSettings(conf: ConductorSettings, host: HostSpec): HostObservation['settings'] {
  const defined = Object.fromEntries(Object.entries(host.settings).filter(([, value]) => value !== undefined && value !== ''));
  const merged: ConductorSettings = { ...conf, ...defined };
  const tempdir = merged.tempdir ?? '/tmp';
  return { ...merged, tempdir, pidDir: merged.terminalPidDir ?? tempdir };
}

/**
 * What in ironic.conf the tool cannot use, one host warning a line: a malformed
 * `[console]port_range` (the inventory's own value is checked when it is loaded and wins).
 */
export function confWarnings(conf: ConductorSettings, host: HostSpec): string[] {
  if (conf.portRange === undefined || (host.settings.portRange ?? '') !== '') return [];
  const parsed = parsePortRanges(conf.portRange);
  if (parsed.ok) return [];
  return [`${host.name}: ironic.conf [console]port_range = ${describeHostText(conf.portRange)} is not a port range (${parsed.error}): ignored`];
}
