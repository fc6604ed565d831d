/**
 * What the probe reads of /proc in one `sed -z -s -n` pass: every /proc/PID/stat, each as
 * its name line and the line escaped and ended by `$` (a stat file is one element; comm may
 * hold any byte). No cmdline is read here: the select awk reads the few it needs itself
 * (issue 12: reading every process's cmdline cost the host as much as `ps`).
 */
export const STAT_SED = `1{
F
l 0
}`;

/**
 * The probe's one awk pass over what STAT_SED printed (every stat record: a name line, then
 * the escaped line). It sends whole records only for the processes the classifier can use,
 * and reads the command line of only a few (issue 12: by the kernel's command name, comm,
 * which every process has and which the exec of a program sets):
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
 * It reads sed's NUL-ended records itself (RS NUL; awks that cannot, found by reading their
 * own /proc/self/cmdline in BEGIN, get them through `tr` as lines, and read cmdlines with
 * one more `sed` through `cmd | getline`): no program start per process. After the sed
 * stream, a line `M ss` and then `ss -tlnp`'s output (when L=1): printed as it is read, as
 * the `listen` section (before the others: the client reads sections in any order; each
 * line printed at once, never gathered in one growing string, whose copies cost the host
 * O(sockets²)), each LISTEN line as `address:port pid...` (ss's address text, then each
 * owner's pid; a line that is not a LISTEN line, the second half of a process name holding
 * a newline, is skipped), or a warning when ss printed nothing. Every other process is one
 * `ps` line: `pid ppid state starttime comm$`, comm escaped as in its stat line. For the
 * whole records it prints the stat and cmdline records and their status Uid/NSpid lines
 * (read with getline). On standard error it prints `p PID` per whole record, `u UID` per
 * uid seen and `d DIR` per pid/password directory a console argv names, for the rest of
 * the probe. Lenient by design: the classifier still decides what is a console.
 *
 * Escaping is kept: element lines always end in `$` (or are exactly the cut width), name
 * lines never do, and only lines matching `^/proc/N/(stat|cmdline)$` start a record.
 */
export const SELECT_AWK = String.raw`
BEGIN {
  split("socat socat1 shellinaboxd ipmitool", x, " "); for (i in x) D[x[i]] = 1
  split("sh bash dash", x, " "); for (i in x) SH[x[i]] = 1
  for (i = 1; i < 256; i++) E[sprintf("%c", i)] = sprintf("\\%03o", i)
  E["\\"] = "\\\\"; E[sprintf("%c", 7)] = "\\a"; E[sprintf("%c", 8)] = "\\b"; E[sprintf("%c", 12)] = "\\f"
  E["\n"] = "\\n"; E[sprintf("%c", 13)] = "\\r"; E["\t"] = "\\t"; E[sprintf("%c", 11)] = "\\v"
  Z = sprintf("%c", 0); RS = Z; self = "/proc/self/cmdline"
  if ((getline NUL < self) > 0 && (getline NUL < self) > 0 && NUL == "-v") NUL = 1; else NUL = 0
  close(self)
  if (NUL) RS = Z
  else {
    RS = "\n"; self = "tr \"\\000\" \"\\n\""
    while ((self | getline l) > 0) rec(l)
    close(self)
  }
}
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
function reread(   f, l, p, n, v) {
  if (!NUL) { sedreread(); return }
  RS = Z
  for (p in again) {
    f = "/proc/" p "/cmdline"; n = 0; v = ""
    while (n < 64 && (getline l < f) > 0) v = (n++ ? v "\n" : "") esc(l)
    close(f)
    if (n) full[p] = v
  }
  RS = "\n"
}
function sedreread(   cmd, l, p, n) {
  cmd = "sed -z -s -n -e 1F -e \"1,64l 0\""
  for (p in again) { cmd = cmd " /proc/" p "/cmdline"; n++ }
  if (!n) return
  cmd = cmd " 2>/dev/null | tr \"\\000\" \"\\n\""
  p = ""
  while ((cmd | getline l) > 0) {
    if (length(l) > CUT) l = substr(l, 1, CUT)
    if (l ~ /^\/proc\/[0-9]+\/cmdline$/) { p = substr(l, 7, length(l) - 14); full[p] = ""; continue }
    if (p != "") full[p] = (full[p] == "" ? l : full[p] "\n" l)
  }
  close(cmd)
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
function rec(l) {
  if (SS) { listen(l); return }
  if (l == M " ss") { SS = 1; RS = "\n"; print "\n" M " listen@@"; return }
  if (length(l) > CUT) l = substr(l, 1, CUT)
  if (l ~ /^\/proc\/[0-9]+\/stat$/) { sp = substr(l, 7, length(l) - 11); return }
  if (sp != "") { statline(sp, l); sp = "" }
}
# ss's lines once RS is a newline: awk's own fields, no split of a copy.
SS { if ($0 == "") next; lines++; if ($1 != "LISTEN") next; o = $4; r = $0
  while (match(r, /,pid=[0-9]+,/)) { o = o " " substr(r, RSTART + 5, RLENGTH - 6); r = substr(r, RSTART + RLENGTH) }
  print o; next }
{ rec($0) }
END {
  for (p in cand) again[p] = 1
  reread()
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
  reread()
  for (p in full) if (p in sel) { n = split(full[p], e, "\n"); for (i = 1; i <= n; i++) dirs(e[i]) }
  print "\n" M " stat@@"
  for (p in statl) if (p in sel) print "/proc/" p "/stat\n" statl[p]
  print "\n" M " cmdline@@"
  for (p in full) if ((p in sel) && (p in statl) && full[p] != "") print "/proc/" p "/cmdline\n" full[p]
  print "\n" M " ps@@"
  for (p in statl) if (!(p in sel) && (p in st)) {
    if (cm[p] != "") print p " " pp[p] " " st[p] " " t0[p] " " cm[p] "$"
    else print p " " pp[p] " " st[p] " " t0[p]
  }
  print "\n" M " status@@"
  for (p in sel) if (p in statl) {
    f = "/proc/" p "/status"
    while ((getline l < f) > 0) {
      if (l ~ /^Uid:/) { print f ":" l; split(l, u, " "); print "u " u[2] > "/dev/stderr" }
      else if (l ~ /^NSpid:/) { print f ":" l; break }
    }
    close(f)
    print "p " p > "/dev/stderr"
  }
  if (L == 1) {
    if (!SS) print "\n" M " listen@@"
    if (!lines) print "\n" M " warning@@\nss -tlnp failed"
  }
}
`;
