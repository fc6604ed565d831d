import { CONF_AWK } from './probe-conf.js';

/**
 * What the probe reads of /proc in one pass: every /proc/PID/stat, as one NUL-ended record
 * `/proc/PID/stat:CONTENT` (a stat file holds no NUL; comm may hold any other byte, a
 * newline too). No cmdline is read here: the select awk reads the few it needs (issue 12:
 * reading every process's cmdline cost the host as much as `ps`).
 *
 * grep, not `sed -z -s`: a process can end between the open of one of its /proc files and
 * the read (the read then fails, ESRCH), and GNU sed stops at the first file it cannot
 * read, silently dropping every process after it; grep reads on (CI, 2026-12-03).
 */
export const PROC_READ = `grep -a -z -H -s -e '' --`;

/** How the probe's warning begins when the select pass failed (the client quotes it). */
export const SELECT_PASS_FAILED = 'the select pass';

/**
 * The probe's one awk pass over what PROC_READ printed (every stat record), then `ss`. It
 * sends whole records only for the processes the classifier can use, and reads the command
 * line of only a few (issue 12: by the kernel's command name, comm, which every process has
 * and which the exec of a program sets):
 *
 * - candidates: comm socat, socat1, shellinaboxd or ipmitool (a console), sh, bash or dash
 *   (a session child's shell), anything holding `python`, or starting `ironic-conduct`
 *   (the conductor: a script's comm is its name, cut to 15 bytes; a cotyledon title keeps
 *   it). Their cmdline is read (up to 64 elements, each escaped as `sed l 0` does and cut to
 *   CUT bytes), and they are console-like by argv0 as the classifier sees them: basename
 *   socat, socat1, shellinaboxd or ipmitool; or the conductor (`ironic-conductor`,
 *   `python* .../ironic-conductor`, `ironic-conductor: ...` as titled by cotyledon for Ironic
 *   32.0+: conductor-user.ts needs its uid); or sh, bash or dash with an element naming
 *   ipmitool or socat. A candidate that is none of these is sent in brief. A process whose
 *   comm is a console's and whose cmdline is empty (a zombie) is kept whole.
 * - every descendant of a console-like process but the conductor, whatever its comm or argv
 *   (a socat's EXEC may run a wrapper; a kill takes the whole tree), found from stat's ppid;
 *   its cmdline is read too;
 * - a process whose stat line does not parse (the client drops it with a warning).
 *
 * Every /proc file it needs after stat is read by grep through `cmd | getline`, never by
 * `getline < file`: mawk exits at its first read error, and a process that ends between the
 * open and the read of one of its files gives one (ESRCH); a file that cannot be read
 * belongs to a process that ended and is left out (the client drops a whole record that has
 * no status lines). One grep reads the candidates' cmdlines and, but for python ones (a host
 * may run hundreds; one is kept only as the conductor), their status files; a second runs
 * only for what is still missing: descendants that are not candidates, a python conductor's
 * status. Each grep costs the host a program start (~5 ms), reading a status file ~15 µs.
 *
 * It reads NUL-ended records itself (RS NUL). An awk that cannot (busybox; found by reading
 * its own /proc/self/cmdline in BEGIN) gets them through `tr` as lines, each newline inside
 * a record carried as \001 and turned back (a \001 in a name so reads as a newline; no
 * framing depends on it). After the stat stream, a line `M ss` and then `ss -tlnp`'s output
 * (when L=1): printed as it is read, as the `listen` section (before the others: the
 * client reads sections in any order; each line printed at once, never gathered in one
 * growing string, whose copies cost the host O(sockets²)), each LISTEN line as
 * `address:port pid...` (ss's address text, then each owner's pid; a line that is not a
 * LISTEN line, the second half of a process name holding a newline, is skipped), or a
 * warning when ss printed nothing. Every other process is one `ps` line:
 * `pid ppid state starttime comm$`, comm escaped. For the whole records it prints the
 * stat (escaped) and cmdline records and their status Uid/NSpid lines. On standard error
 * it prints `p PID` per whole record, `u UID` per uid seen and `d DIR` per pid/password
 * directory a console argv names, for the rest of the probe. Lenient by design: the
 * classifier still decides what is a console.
 *
 * The stat pass's grep also reads /etc/passwd: the `passwd` section names the users of the
 * whole records' uids, and only a uid it lacks is printed as `g UID` on standard error, for
 * getent (NSS: a directory's users), which so runs only where it is needed.
 *
 * With CF in its environment (the path of ironic.conf, on a host whose files part runs on the
 * host), the stat pass's grep also reads that file, and the awk filters it (probe-conf.ts)
 * into `c LINE` lines on standard error, for the files part: no sed to start.
 *
 * What it prints is framed as the client reads it: a name line `/proc/N/(stat|cmdline)`,
 * then element lines, escaped, that always end in `$` (or are exactly the cut width): host
 * bytes never start a line of their own.
 */
export const SELECT_AWK = String.raw`
BEGIN {
  split("socat socat1 shellinaboxd ipmitool", x, " "); for (i in x) D[x[i]] = 1
  split("sh bash dash", x, " "); for (i in x) SH[x[i]] = 1
  for (i = 1; i < 256; i++) E[sprintf("%c", i)] = sprintf("\\%03o", i)
  E["\\"] = "\\\\"; E[sprintf("%c", 7)] = "\\a"; E[sprintf("%c", 8)] = "\\b"; E[sprintf("%c", 12)] = "\\f"
  E["\n"] = "\\n"; E[sprintf("%c", 13)] = "\\r"; E["\t"] = "\\t"; E[sprintf("%c", 11)] = "\\v"
  Z = sprintf("%c", 0); O = sprintf("%c", 1); RS = Z; self = "/proc/self/cmdline"; CF = ENVIRON["CF"]
  TR = "tr \"\\000\\n\" \"\\n\\001\""
  if ((getline NUL < self) > 0 && (getline NUL < self) > 0 && NUL == "-v") NUL = 1; else NUL = 0
  close(self)
  if (NUL) RS = Z
  else {
    RS = "\n"
    while ((TR | getline l) > 0) rec(l)
    close(TR)
  }
}
${CONF_AWK}
function base(e,   b) { b = e; sub(/\$$/, "", b); sub(/.*\//, "", b); return b }
function statline(p, l,   o, n, f, c) {
  statl[p] = l
  o = index(l, " (")
  if (o == 0 || !match(l, /\) [^)]*$/) || RSTART < o) { bad[p] = 1; return }
  c = substr(l, o + 2, RSTART - o - 2)
  n = split(substr(l, RSTART + 2), f, " ")
  if (n < 20 || f[1] !~ /^[A-Za-z]$/ || f[2] !~ /^[0-9]+$/ || f[20] !~ /^[0-9]+$/) { bad[p] = 1; return }
  st[p] = f[1]; pp[p] = f[2]; t0[p] = f[20]; cm[p] = c
  if ((c in D) || (c in SH) || c ~ /python/ || c ~ /^ironic-conduct/) cand[p] = 1
  if (c in D) dz[p] = 1
}
function dirs(e,   d) {
  d = ""
  if (e ~ /^-L\/.*\/[^\/]*\.pid\$$/) d = substr(e, 3)
  else if (e ~ /^--background=\/.*\/[^\/]*\.pid\$$/) d = substr(e, 14)
  else if (match(e, /-f \/[^ ]*\/[^\/ ]*\.pw /)) d = substr(e, RSTART + 3, RLENGTH - 4)
  if (d == "") return
  sub(/\/[^\/]*$/, "", d)
  print "d " d > "/dev/stderr"
}
function classify(p,   n, e, b, i) {
  n = split(full[p], e, "\n")
  b = base(e[1])
  if (e[1] ~ /^ironic-conductor: /) { sel[p] = 1; return }
  if ((b in D) || b == "ironic-conductor") { sel[p] = 1; if (b != "ironic-conductor") par[p] = 1; return }
  if (b ~ /^python[0-9.]*$/ && n > 1 && base(e[2]) == "ironic-conductor") { sel[p] = 1; return }
  if (b in SH) for (i = 2; i <= n; i++) if (e[i] ~ /ipmitool|socat/) { sel[p] = 1; par[p] = 1; return }
  delete full[p]
}
function esc(l,   o, s, c, i) {
  # Most text is printable and short: as it is, ended by "$".
  if (length(l) < CUT && l !~ /[^ -~]|\\/) return l "$"
  if (length(l) > CUT) l = substr(l, 1, CUT)
  o = ""
  for (i = 1; i <= length(l) && length(o) < CUT; i += 256) {
    s = substr(l, i, 256); c = ""
    while (match(s, /[^ -~]|\\/)) { c = c substr(s, 1, RSTART - 1) E[substr(s, RSTART, 1)]; s = substr(s, RSTART + 1) }
    o = o c s
  }
  o = o "$"
  return length(o) > CUT ? substr(o, 1, CUT) : o
}
# One grep (it reads on past a file that cannot be read) for the cmdlines of the processes in
# again, up to 64 elements each, escaped, into full, and the status files listed in sf,
# whose Uid and NSpid lines go into uidl and nspl (the last of each: status's first line,
# Name, is host text, and in tr mode a \001 in it reads as a newline).
function reread(sf,   cmd, l, k, f, p, n, s, i) {
  cmd = ""
  for (p in again) cmd = cmd " /proc/" p "/cmdline"
  if (cmd sf == "") return
  cmd = "grep -a -z -H -s \"\"" cmd sf " 2>/dev/null" (NUL ? "" : " | " TR)
  RS = NUL ? Z : "\n"
  split("", cnt)
  while ((cmd | getline l) > 0) {
    if (!NUL) gsub(O, "\n", l)
    k = index(l, ":"); f = substr(l, 1, k - 1)
    if (f ~ /^\/proc\/[0-9]+\/cmdline$/) {
      p = substr(f, 7, length(f) - 14)
      if (cnt[p]++ < 64) full[p] = (cnt[p] > 1 ? full[p] "\n" : "") esc(substr(l, k + 1))
    } else if (f ~ /^\/proc\/[0-9]+\/status$/) {
      p = substr(f, 7, length(f) - 13); got[p] = 1
      n = split(substr(l, k + 1), s, "\n")
      for (i = 1; i <= n; i++) {
        if (s[i] ~ /^Uid:/) uidl[p] = s[i]
        else if (s[i] ~ /^NSpid:/) nspl[p] = s[i]
      }
    }
  }
  close(cmd)
  RS = "\n"
}
function listen(l,   n, i, w, o, r, c) {
  n = split(l, w, "\n")
  for (i = 1; i <= n; i++) {
    if (w[i] == "") continue
    lines++
    split(w[i], c, " ")
    if (c[1] != "LISTEN") continue
    o = c[4]; r = w[i]
    while (match(r, /,pid=[0-9]+,/)) { o = o " " substr(r, RSTART + 5, RLENGTH - 6); r = substr(r, RSTART + RLENGTH) }
    print o
  }
}
function rec(l,   k, n) {
  if (!NUL) gsub(O, "\n", l)
  if (SS) { listen(l); return }
  if (l == M " ss") { SS = 1; RS = "\n"; print "\n" M " listen@@"; return }
  if (CF != "" && substr(l, 1, length(CF) + 1) == CF ":") { conf(substr(l, length(CF) + 2)); return }
  if (substr(l, 1, 12) == "/etc/passwd:") { pw = substr(l, 13); return }
  k = index(l, ":"); n = substr(l, 1, k - 1)
  if (n !~ /^\/proc\/[0-9]+\/stat$/) return
  l = substr(l, k + 1)
  if (length(l) > CUT) l = substr(l, 1, CUT)
  statline(substr(n, 7, length(n) - 11), l)
}
# ss's lines once RS is a newline: awk's own fields, no split of a copy.
SS { if ($0 == "") next; lines++; if ($1 != "LISTEN") next; o = $4; r = $0
  while (match(r, /,pid=[0-9]+,/)) { o = o " " substr(r, RSTART + 5, RLENGTH - 6); r = substr(r, RSTART + RLENGTH) }
  print o; next }
{ rec($0) }
END {
  # Statuses of the candidates a process is likely kept for: a python one is kept only when
  # it is the conductor, read again then, while a host may run hundreds of them.
  for (p in cand) { again[p] = 1; if (cm[p] !~ /python/ || cm[p] ~ /^ironic-conduct/) sf = sf " /proc/" p "/status" }
  reread(sf)
  for (p in cand) if ((p in full) && full[p] != "") { had[p] = 1; classify(p) }
  for (p in statl) {
    if ((p in bad) || ((p in dz) && !(p in had))) { sel[p] = 1; par[p] = 1 }
    if (p in st) kids[pp[p]] = kids[pp[p]] " " p
  }
  for (p in again) delete again[p]
  for (p in par) queue[++qn] = p
  for (i = 1; i <= qn; i++) {
    n = split(kids[queue[i]], c, " ")
    for (j = 1; j <= n; j++) if (!(c[j] in sel)) { sel[c[j]] = 1; queue[++qn] = c[j]; if (!(c[j] in full)) again[c[j]] = 1 }
  }
  sf = ""
  for (p in sel) if ((p in statl) && !(p in got)) sf = sf " /proc/" p "/status"
  reread(sf)
  for (p in full) if (p in sel) { n = split(full[p], e, "\n"); for (i = 1; i <= n; i++) dirs(e[i]) }
  print "\n" M " stat@@"
  for (p in statl) if (p in sel) print "/proc/" p "/stat\n" esc(statl[p])
  print "\n" M " cmdline@@"
  for (p in full) if ((p in sel) && (p in statl) && full[p] != "") print "/proc/" p "/cmdline\n" full[p]
  print "\n" M " ps@@"
  for (p in statl) if (!(p in sel) && (p in st)) {
    if (cm[p] != "") print p " " pp[p] " " st[p] " " t0[p] " " esc(cm[p])
    else print p " " pp[p] " " st[p] " " t0[p]
  }
  print "\n" M " status@@"
  for (p in sel) if (p in statl) {
    print "p " p > "/dev/stderr"
    if (!(p in uidl)) continue
    print "/proc/" p "/status:" uidl[p]
    split(uidl[p], u, " "); print "u " u[2] > "/dev/stderr"; uset[u[2]] = 1
    if (p in nspl) print "/proc/" p "/status:" nspl[p]
  }
  # Their users' names from /etc/passwd (the first line of a uid, as getent's files source);
  # a uid it lacks (a directory user, a container's) goes to getent: "g UID".
  print "\n" M " passwd@@"
  n = split(pw, pwl, "\n")
  for (i = 1; i <= n; i++) if (split(pwl[i], pwf, ":") >= 3 && pwf[3] ~ /^[0-9]+$/ && !((pwf[3] + 0) in pwn)) pwn[pwf[3] + 0] = pwf[1]
  for (p in uset) if ((p + 0) in pwn) print pwn[p + 0] ":" p; else print "g " p > "/dev/stderr"
  if (L == 1) {
    if (!SS) print "\n" M " listen@@"
    if (!lines) print "\n" M " warning@@\nss -tlnp failed"
  }
}
`;
