/**
 * Removal of one stale pid/lock file or stray credential file, built as a value: a POSIX
 * sh script that re-checks the file on the host in the same command. Prints one line:
 *   REMOVED | ABSENT | KEPT <why> | FAILED
 *
 * Whether a file may be removed at all is decided once, by compare/removable-file.ts;
 * this script only makes sure that the path still is that file (a regular file, not a
 * symlink, with the scanned device, inode, owner and mtime) when `rm` runs.
 */
import type { RemoveFileAction } from '../plan/types.js';
import { shellQuote } from '../transport/host-command.js';
import { scannedFileCheck } from './scanned-file-check.js';

export type RemoveFileStatus = 'removed' | 'absent' | 'kept' | 'failed';

export function buildRemoveFileCommand(action: RemoveFileAction): string {
  const expect = action.expectPid === null ? "''" : String(action.expectPid);
  const { device, inode, uid, mtime } = action.expect;
  const lines = [
    `F=${shellQuote(action.path)} K=${action.fileKind} E=${expect}`,
    `ID='${device} ${inode} ${uid} ${mtime}'`,
    `NL='\n'`,
    `if [ ! -e "$F" ] && [ ! -L "$F" ]; then echo ABSENT; exit 0; fi`,
    ...scannedFileCheck('F', 'ID'),
    `if [ "$K" = pid ]; then`,
    `  C=''; { read -r C < "$F"; } 2>/dev/null; set -- $C; C=\${1-}`,
    // With an expected pid the file must still name it; without one it must name no pid at all.
    `  if [ -n "$E" ]; then [ "$C" = "$E" ] || { echo "KEPT names-other-pid"; exit 0; }`,
    `  else case $C in ''|*[!0-9]*) ;; *) echo "KEPT names-a-pid"; exit 0;; esac; fi`,
    // Never take the lock file away from a live daemon that holds it.
    `  if [ -n "$C" ] && [ -r /proc/$C/cmdline ]; then`,
    `    L=$( { tr '\\0' '\\n' < /proc/$C/cmdline; } 2>/dev/null )`,
    `    case "$NL$L$NL" in *"$NL-L$F$NL"*|*"$NL--background=$F$NL"*) echo "KEPT in-use"; exit 0;; esac`,
    `  fi`,
    `fi`,
    `if rm -f -- "$F"; then echo REMOVED; else echo FAILED; fi`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Reads the script's one line; anything else (sudo refused, no shell) is `failed`. */
export function parseRemoveFileOutput(text: string): { status: RemoveFileStatus; detail: string } {
  const line = text.split('\n').map((l) => l.trim()).find((l) => /^(REMOVED|ABSENT|KEPT|FAILED)\b/.test(l));
  if (line === undefined) return { status: 'failed', detail: 'no answer from the removal script' };
  if (line === 'REMOVED') return { status: 'removed', detail: 'removed' };
  if (line === 'ABSENT') return { status: 'absent', detail: 'already gone' };
  if (line.startsWith('KEPT')) return { status: 'kept', detail: line.slice(4).trim() || 'kept' };
  return { status: 'failed', detail: 'rm failed' };
}
