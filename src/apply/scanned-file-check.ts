/**
 * The one host-side check that a path is still the file a scan saw, for every removal a
 * fix makes (pid and credential files, the systemd provider's quadlet files): a regular
 * file, not a symlink, with the scanned device, inode, owner and mtime. Shell lines that
 * stop the script with `KEPT <why>` otherwise; `$<path>` and `$<identity>` (`'dev ino uid
 * mtime'`) must be set before them.
 */
export function scannedFileCheck(path: string, identity: string): string[] {
  return [
    `if [ -L "$${path}" ]; then echo "KEPT symlink"; exit 0; fi`,
    `if [ ! -f "$${path}" ]; then echo "KEPT not-a-regular-file"; exit 0; fi`,
    `S=$(stat -c '%d %i %u %Y' -- "$${path}" 2>/dev/null) || { echo "KEPT cannot-stat"; exit 0; }`,
    `[ "$S" = "$${identity}" ] || { echo "KEPT not-the-scanned-file"; exit 0; }`,
  ];
}
