import type { JumpHost } from './types.js';
import { splitShellWords } from './shell-words.js';

/**
 * Jump hosts as OpenSSH writes them: a ProxyJump value (`[user@]host[:port]` hops,
 * comma-separated, outermost first, `[v6addr]:port` and `ssh://` URIs allowed), and the
 * `-J` / `-o ProxyJump=` options inside Ansible's `ansible_ssh_common_args`.
 */
export type JumpResult =
  | { readonly ok: true; readonly jumpHosts: readonly JumpHost[] }
  | { readonly ok: false; readonly error: string };

/** Parses a ProxyJump value such as `admin@bastion:2222,10.0.0.5`; `none` means no jump. */
export function parseJumpSpec(spec: string): JumpResult {
  const trimmed = spec.trim();
  if (trimmed.toLowerCase() === 'none') return { ok: true, jumpHosts: [] };
  const jumpHosts: JumpHost[] = [];
  for (const hop of trimmed.split(',')) {
    const parsed = parseHop(hop.trim());
    if (typeof parsed === 'string') return { ok: false, error: `jump host "${hop.trim()}": ${parsed}` };
    jumpHosts.push(parsed);
  }
  return { ok: true, jumpHosts };
}

function parseHop(hop: string): JumpHost | string {
  const text = hop.startsWith('ssh://') ? hop.slice('ssh://'.length).replace(/\/$/, '') : hop;
  if (text === '') return 'is empty';
  const at = text.lastIndexOf('@');
  const user = at >= 0 ? text.slice(0, at) : undefined;
  if (user === '') return 'has an empty user before "@"';
  const hostPort = text.slice(at + 1);
  let address: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(hostPort);
  if (bracketed !== null) {
    address = bracketed[1] ?? '';
    portText = bracketed[2];
  } else if ((hostPort.match(/:/g) ?? []).length === 1) {
    [address = '', portText] = hostPort.split(':');
  } else {
    address = hostPort; // a bare IPv6 address has several colons and no port
  }
  if (address === '' || /\s/.test(address)) return 'has no valid host';
  if (portText === undefined) return { address, port: 22, user };
  const port = /^\d+$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) return `port must be an integer 1-65535, got "${portText}"`;
  return { address, port, user };
}

/**
 * The jump hosts named in ssh command-line arguments (Ansible's `ansible_ssh_common_args`
 * or `ansible_ssh_extra_args`); undefined when they name none. ProxyCommand is refused
 * with a clear error: console-doctor opens the jump connections itself and cannot run
 * an arbitrary command as the transport.
 */
export function jumpHostsFromSshArgs(args: string): JumpResult | undefined {
  const split = splitShellWords(args);
  if (!split.ok) return { ok: false, error: `cannot split ssh arguments: ${split.error}` };
  const words = split.words;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (word === '-J' || word === '-o') {
      const value = words[i + 1];
      if (value === undefined) return { ok: false, error: `${word} needs a value` };
      const found = word === '-J' ? parseJumpSpec(value) : fromOption(value);
      if (found !== undefined) return found;
      i++;
    } else if (word.startsWith('-J')) {
      return parseJumpSpec(word.slice(2));
    } else if (word.startsWith('-o')) {
      const found = fromOption(word.slice(2));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** One `-o Key=Value` (or `Key Value`) option: a JumpResult for ProxyJump/ProxyCommand. */
function fromOption(option: string): JumpResult | undefined {
  const match = /^\s*(\w+)\s*(?:=\s*|\s+)(.*)$/s.exec(option);
  if (match === null) return undefined;
  const key = (match[1] ?? '').toLowerCase();
  const value = (match[2] ?? '').trim();
  if (key === 'proxyjump') return parseJumpSpec(value);
  if (key === 'proxycommand') {
    if (value.toLowerCase() === 'none') return { ok: true, jumpHosts: [] };
    return {
      ok: false,
      error:
        'ProxyCommand is not supported (console-doctor opens jump connections itself); ' +
        'write the jump host as -o ProxyJump=user@bastion:port or -J user@bastion:port',
    };
  }
  return undefined;
}
