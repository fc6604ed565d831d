import { expandHostRange } from './host-range.js';
import { toPort } from './field-values.js';

/**
 * A host entry of an Ansible inventory: a name or range with an optional `:port`
 * (`ctl01:2222`, `ctl[01:03]:2222`, `[fe80::1]:2222`; a bare IPv6 address has no port).
 */
export type HostPattern =
  | { readonly ok: true; readonly names: readonly string[]; readonly port: number | undefined }
  | { readonly ok: false; readonly error: string };

export function parseHostPattern(pattern: string): HostPattern {
  const { name, portText } = splitPort(pattern.trim());
  if (name === '') return { ok: false, error: `host "${pattern}" has no name` };
  let port: number | undefined;
  if (portText !== undefined) {
    const converted = toPort(portText);
    if (!converted.ok) return { ok: false, error: `host "${pattern}": port ${converted.error}` };
    port = converted.value;
  }
  const expanded = expandHostRange(name);
  if (!expanded.ok) return expanded;
  return { ok: true, names: expanded.names, port };
}

function splitPort(pattern: string): { name: string; portText: string | undefined } {
  const v6 = /^\[([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)\](?::(.*))?$/.exec(pattern);
  if (v6 !== null) return { name: v6[1] ?? '', portText: v6[2] };
  const outsideRanges = pattern.replace(/\[[^\]]*\]/g, '');
  const colons = (outsideRanges.match(/:/g) ?? []).length;
  if (colons !== 1) return { name: pattern, portText: undefined };
  const at = pattern.lastIndexOf(':');
  return { name: pattern.slice(0, at), portText: pattern.slice(at + 1) };
}
