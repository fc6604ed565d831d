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
import type { StopContainerAction } from '../plan/types.js';
import { shellQuote } from '../transport/host-command.js';

export type StopContainerStatus = 'removed' | 'absent' | 'kept' | 'failed';

const IDENTITY_FORMAT = `{{.ID}} {{.Names}} {{.Label "${CONSOLE_LABEL}"}} {{.Label "${NODE_LABEL}"}}`;

export function buildStopContainerCommand(action: StopContainerAction): string {
  const { engine, id, name } = action.container;
  const lines = [
    `E=${shellQuote(engine)} I=${shellQuote(id)}`,
    `W=${shellQuote(`${id} ${name} true ${action.nodeUuid}`)}`,
    `command -v "$E" >/dev/null 2>&1 || { echo "KEPT no-$E"; exit 0; }`,
    `L=$("$E" ps -a --no-trunc --filter "id=$I" --format ${shellQuote(IDENTITY_FORMAT)} 2>/dev/null) || { echo "FAILED list"; exit 0; }`,
    `[ -n "$L" ] || { echo ABSENT; exit 0; }`,
    `[ "$L" = "$W" ] || { echo "KEPT not-the-scanned-container"; exit 0; }`,
    `"$E" rm --force "$I" >/dev/null 2>&1 || { echo "FAILED rm"; exit 0; }`,
    `L=$("$E" ps -a -q --no-trunc --filter "id=$I" 2>/dev/null) || { echo "FAILED list-after"; exit 0; }`,
    `if [ -z "$L" ]; then echo REMOVED; else echo "FAILED still-there"; fi`,
  ];
  return `${lines.join('\n')}\n`;
}

const DETAILS: Readonly<Record<string, string>> = {
  'not-the-scanned-container': 'kept: that id no longer has the scanned name and labels',
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
