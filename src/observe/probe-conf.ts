/**
 * ironic.conf never leaves the host whole: it holds the database and Keystone passwords.
 * Only section headers and the few keys the observe stage needs are printed, as `key=value`
 * (whitespace around both trimmed); of `[vnc]container_host` only whether it is set. Two
 * filters with the same output, tested side by side (test/integration/probe-conf.test.ts):
 * the select awk's, on the host (the stat pass's grep reads the file, so no program starts
 * for it: issue 12, every start costs the host ~5 ms, sed's regexes as much again), and
 * sed's, inside a conductor's container (podman/docker exec), where the awk does not run.
 */

/** The only ironic.conf keys that leave the host. */
export const CONF_KEYS = [
  'host',
  'tempdir',
  'terminal_pid_dir',
  'socat_address',
  'port_range',
  // [vnc]: graphical consoles (2025.1+). `enabled` is printed from every section; only [vnc]'s counts.
  'enabled',
  'container_provider',
  'container_executable',
] as const;

/** Printed as `container_host=set`: its value (an engine URL) never leaves the host. */
export const PRESENCE_KEYS = ['container_host'] as const;

/** The sed filter, reading the file named by the shell variable `conf`. */
export function confSedFilter(): string {
  const keys = CONF_KEYS.map(
    (key) => `-e 's/^[[:space:]]*\\(${key}\\)[[:space:]]*=[[:space:]]*\\(.*[^[:space:]]\\)[[:space:]]*$/\\1=\\2/p'`,
  );
  const present = PRESENCE_KEYS.map((key) => `-e 's/^[[:space:]]*\\(${key}\\)[[:space:]]*=[[:space:]]*[^[:space:]].*$/\\1=set/p'`);
  return ["sed -n -e 's/^[[:space:]]*\\(\\[[^]]*\\]\\).*$/\\1/p'", ...keys, ...present, '"$conf"'].join(' ');
}

/**
 * The same filter in awk (functions for the select awk): `conf(text)` prints `c LINE` on
 * standard error per line kept. sed's [[:space:]] spelled out (space, \t, \v, \f, \r: old
 * mawk has no character classes); a line is a header, else at most one key.
 */
export const CONF_AWK = String.raw`
function conf(t,   n, a, i, l, k, v) {
  if (!CK["host"]) {
    split("${CONF_KEYS.join(' ')}", a, " "); for (i in a) CK[a[i]] = 1
    split("${PRESENCE_KEYS.join(' ')}", a, " "); for (i in a) CP[a[i]] = 1
  }
  n = split(t, a, "\n")
  for (i = 1; i <= n; i++) {
    l = a[i]
    if (l ~ /^[ \t\v\f\r]*\[[^]]*\]/) { sub(/^[ \t\v\f\r]*/, "", l); sub(/\].*$/, "]", l); print "c " l > "/dev/stderr"; continue }
    if (!match(l, /^[ \t\v\f\r]*[a-z_]+[ \t\v\f\r]*=/)) continue
    k = substr(l, 1, RLENGTH - 1); gsub(/[ \t\v\f\r]/, "", k)
    v = substr(l, RLENGTH + 1); sub(/^[ \t\v\f\r]+/, "", v); sub(/[ \t\v\f\r]+$/, "", v)
    if (v == "") continue
    if (k in CK) print "c " k "=" v > "/dev/stderr"
    else if (k in CP) print "c " k "=set" > "/dev/stderr"
  }
}
`;
