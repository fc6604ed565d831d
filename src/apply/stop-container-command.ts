/**
 * Stop of one graphical console's container, built as a value: a POSIX sh script that
 * looks the scanned id up again on the host and removes it the way Ironic's `container`
 * provider does (`rm --force`), but by id, so that nothing but the container checked is
 * removed. Prints one line:
 *   REMOVED | ABSENT | KEPT <why> | FAILED <why>
 *
 * The container must still carry the scanned name, `org.openstack.ironic.console=true`
 * and the node's `org.openstack.ironic.node` label; anything else is kept. Never
 * `inspect`: the container's environment holds the BMC credentials.
 */
import { CONSOLE_LABEL, NODE_LABEL } from '../observe/parse-containers.js';
import type { QuadletRef } from '../compare/types.js';
import { InternalError } from '../errors.js';
import type { StopContainerAction } from '../plan/types.js';
import { shellQuote } from '../transport/host-command.js';
import { scannedFileCheck } from './scanned-file-check.js';

export type StopContainerStatus = 'removed' | 'absent' | 'kept' | 'failed';

const IDENTITY_FORMAT = `{{.ID}} {{.Names}} {{.Label "${CONSOLE_LABEL}"}} {{.Label "${NODE_LABEL}"}}`;

export function buildStopContainerCommand(action: StopContainerAction): string {
  return action.quadlet === undefined ? containerProviderStop(action) : systemdProviderStop(action, action.quadlet);
}

function containerProviderStop(action: StopContainerAction): string {
  if (action.container === null) throw new InternalError('a container stop without a container');
  const { engine, id, name, user } = action.container;
  // Root's engine, or (a conductor that is not root) that user's rootless podman, run as it.
  const runner =
    user === undefined || user === null
      ? [`command -v "$E" >/dev/null 2>&1 || { echo "KEPT no-$E"; exit 0; }`, 'P() { "$E" "$@"; }']
      : asUser(user, null);
  const lines = [
    `E=${shellQuote(engine)} I=${shellQuote(id)}`,
    `W=${shellQuote(`${id} ${name} true ${action.nodeUuid}`)}`,
    ...runner,
    `L=$(P ps -a --no-trunc --filter "id=$I" --format ${shellQuote(IDENTITY_FORMAT)} 2>/dev/null) || { echo "FAILED list"; exit 0; }`,
    `[ -n "$L" ] || { echo ABSENT; exit 0; }`,
    `[ "$L" = "$W" ] || { echo "KEPT not-the-scanned-container"; exit 0; }`,
    `P rm --force "$I" >/dev/null 2>&1 || { echo "FAILED rm"; exit 0; }`,
    `L=$(P ps -a -q --no-trunc --filter "id=$I" 2>/dev/null) || { echo "FAILED list-after"; exit 0; }`,
    `if [ -z "$L" ]; then echo REMOVED; else echo "FAILED still-there"; fi`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * podman as the user whose rootless engine runs the console (`$U`, uid `$N`, given or
 * looked up), from /, in its runtime directory when there is one: `P ps …`.
 */
function asUser(user: string, uid: number | null): string[] {
  return [
    'cd /',
    `U=${shellQuote(user)}`,
    uid === null ? 'N=$(id -u "$U" 2>/dev/null) || { echo "KEPT no-such-user"; exit 0; }' : `N=${uid}`,
    'if [ -d "/run/user/$N" ]; then R="XDG_RUNTIME_DIR=/run/user/$N"; else R="-u XDG_RUNTIME_DIR"; fi',
    'P() { runuser -u "$U" -- env $R podman "$@"; }',
  ];
}

/**
 * The systemd provider's stop, as Ironic's `_stop_container` does it (`systemctl --user
 * stop`, the quadlet file removed, `daemon-reload`), run as root through the user's
 * manager (`-M user@`). Everything is checked before anything is changed: the container
 * id (when one was scanned) must still have its name, and the file its identity (a regular
 * file, same device, inode, owner and mtime). Last, a container podman still lists is
 * removed: a unit stopped after its file was gone leaves podman's record "running".
 */
function systemdProviderStop(action: StopContainerAction, quadlet: QuadletRef): string {
  const file = quadlet.file;
  const container = action.container;
  const lines = [
    ...asUser(quadlet.user, quadlet.uid),
    `UNIT=${shellQuote(quadlet.unit)}`,
    `F=${file === null ? "''" : shellQuote(file.path)} Q=${file === null ? "''" : shellQuote(`${file.device} ${file.inode} ${file.uid} ${file.mtime}`)}`,
    `I=${container === null ? "''" : shellQuote(container.id)} W=${container === null ? "''" : shellQuote(`${container.id} ${container.name}`)}`,
    'S() { systemctl --user -M "$U@" "$@"; }',
    'if [ -n "$I" ]; then',
    `  L=$(P ps -a --no-trunc --filter "id=$I" --format '{{.ID}} {{.Names}}' 2>/dev/null) || { echo "FAILED list"; exit 0; }`,
    '  [ -z "$L" ] || [ "$L" = "$W" ] || { echo "KEPT not-the-scanned-container"; exit 0; }',
    'fi',
    'if [ -n "$F" ] && { [ -e "$F" ] || [ -L "$F" ]; }; then',
    ...scannedFileCheck('F', 'Q').map((line) => `  ${line}`),
    'fi',
    // A unit that is not loaded any more answers 5: nothing to stop.
    'S stop "$UNIT" >/dev/null 2>&1; r=$?; [ $r = 0 ] || [ $r = 5 ] || { echo "FAILED unit-stop"; exit 0; }',
    'if [ -n "$F" ] && [ -e "$F" ]; then rm -f -- "$F" || { echo "FAILED rm-file"; exit 0; }; fi',
    'S daemon-reload >/dev/null 2>&1 || { echo "FAILED reload"; exit 0; }',
    'if [ -n "$I" ]; then',
    `  L=$(P ps -a -q --no-trunc --filter "id=$I" 2>/dev/null) || { echo "FAILED list-after"; exit 0; }`,
    '  if [ -n "$L" ]; then P rm --force "$I" >/dev/null 2>&1 || { echo "FAILED rm"; exit 0; }; fi',
    `  L=$(P ps -a -q --no-trunc --filter "id=$I" 2>/dev/null) || { echo "FAILED list-after"; exit 0; }`,
    '  [ -z "$L" ] || { echo "FAILED still-there"; exit 0; }',
    'fi',
    'echo REMOVED',
  ];
  return `${lines.join('\n')}\n`;
}

const DETAILS: Readonly<Record<string, string>> = {
  'not-the-scanned-container': 'kept: that id no longer has the scanned name and labels',
  'no-such-user': 'kept: the user whose podman runs it is gone',
  'not-the-scanned-file': 'kept: the quadlet file is not the one scanned (changed or replaced)',
  'not-a-regular-file': 'kept: the quadlet path is not a regular file',
  symlink: 'kept: the quadlet path is a symlink',
  'cannot-stat': 'kept: the quadlet file could not be stat\'ed',
  'unit-stop': 'systemctl --user stop failed',
  'rm-file': 'the quadlet file could not be removed',
  reload: 'systemctl --user daemon-reload failed',
  list: 'the engine could not list its containers',
  'list-after': 'removed, but the engine could not list its containers afterwards',
  rm: 'rm --force failed',
  'still-there': 'still listed after rm --force',
};

/** Reads the script's one line; anything else (sudo refused, no shell) is `failed`. */
export function parseStopContainerOutput(text: string): { status: StopContainerStatus; detail: string } {
  const line = text.split('\n').map((l) => l.trim()).find((l) => /^(REMOVED|ABSENT|KEPT|FAILED)\b/.test(l));
  if (line === undefined) return { status: 'failed', detail: 'no answer from the stop script' };
  const [word, why = ''] = line.split(/\s+/, 2);
  const detail = DETAILS[why] ?? (why.startsWith('no-') ? `kept: ${why.slice(3)} is not installed` : why);
  if (word === 'REMOVED') return { status: 'removed', detail: 'removed (rm --force)' };
  if (word === 'ABSENT') return { status: 'absent', detail: 'already gone' };
  if (word === 'KEPT') return { status: 'kept', detail };
  return { status: 'failed', detail };
}
