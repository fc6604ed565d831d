/**
 * What the probe reads of /proc in one `sed -z -s -n` pass over every stat and cmdline file
 * (probe format 3): each file's name line, its first element escaped and ended by `$`, and
 * more elements only where they can matter, so the escaping cost and the bytes that go on
 * through the pipe do not grow with unrelated processes' argv:
 * - argv0 socat, socat1, shellinaboxd, ipmitool or ironic-conductor, or a conductor titled
 *   by cotyledon (Ironic 32.0+: `ironic-conductor: master process [...]`, `ironic-conductor:
 *   ServiceWrapper worker(0)`): every element (up to 64);
 * - argv0 python*: the second element too, and all when that is ironic-conductor;
 * - argv0 sh, bash or dash: the elements naming ipmitool or socat (whole argv is read again
 *   later for the few that have one).
 * A stat file is one element. The hold space carries the class of the current file's argv0.
 */
export const PROC_SED = `1{
F
l 0
/^ironic-conductor: /{
s/.*/y/
h
b
}
s|.*/||
/^\\(socat\\|socat1\\|shellinaboxd\\|ipmitool\\|ironic-conductor\\)$/{
s/.*/y/
h
b
}
/^python[0-9.]*$/{
s/.*/p/
h
b
}
/^\\(sh\\|bash\\|dash\\)$/{
s/.*/s/
h
b
}
s/.*//
h
b
}
2,64{
x
/^p$/{
x
l 0
s|.*/||
/^ironic-conductor$/{
s/.*/y/
h
b
}
s/.*//
h
b
}
/^y$/{
x
l 0
b
}
/^s$/{
x
/ipmitool\\|socat/l 0
b
}
x
}`;

/**
 * The probe's one awk pass over what PROC_SED printed (every stat record, then every
 * cmdline record: a name line, then escaped elements ended by `$`). It sends whole records
 * only for the processes the classifier can use:
 *
 * - console-like: argv0's basename is socat, socat1, shellinaboxd or ipmitool; or sh, bash
 *   or dash with an element naming ipmitool or socat (a session child); or the conductor
 *   (`ironic-conductor`, `python* .../ironic-conductor`: conductor-user.ts needs its uid);
 *   or, with no argv left (a zombie), a command name of socat, socat1, shellinaboxd or ipmitool;
 * - every descendant of a console-like process but the conductor, whatever its argv (a
 *   socat's EXEC may run a wrapper; a kill takes the whole tree), found from stat's ppid;
 * - a process whose stat line does not parse (the client drops it with a warning).
 *
 * It reads sed's NUL-ended records itself (RS NUL; awks that cannot, found by reading
 * their own /proc/self/cmdline in BEGIN, get them through `tr` as lines). The whole argv of
 * shells and descendants is read again at the end from just their cmdline files, by awk
 * itself (escaped as `sed l 0` does, each element cut to CUT bytes) or, when RS cannot be
 * NUL, by one more sed (`cmd | getline`): no program start per process. After the sed
 * stream, a line `M ss` and then `ss -tlnp`'s output (when L=1): printed as it is read, as the
 * `listen` section (before the others: the client reads sections in any order; each
 * line printed at once, never gathered in one growing string, whose copies cost the host
 * O(sockets²)), each LISTEN line as `address:port pid...` (ss's address text, then
 * each owner's pid; a line that is not a LISTEN line, the second half of a process name
 * holding a newline, is skipped), or a warning when ss printed nothing. Every other process is
 * one `ps` line: `pid ppid state starttime argv0$`, argv0 still escaped and ended by `$`
 * (no argv0: the line ends after starttime). For the whole records it prints the stat and
 * cmdline records unchanged and their status Uid/NSpid lines (read with getline). On
 * standard error it prints `p PID` per whole record, `u UID` per uid seen and `d DIR` per
 * pid/password directory a console argv names, for the rest of the probe. Lenient by
 * design: the classifier still decides what is a console.
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
  st[p] = f[1]; pp[p] = f[2]; t0[p] = f[20]
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
function endcmd(   b) {
  if (cp == "") return
  b = base(first)
  if (first ~ /^ironic-conductor: /) { sel[cp] = 1; full[cp] = buf }
  else if ((b in D) || b == "ironic-conductor") { sel[cp] = 1; full[cp] = buf; if (b != "ironic-conductor") par[cp] = 1 }
  else if (b ~ /^python[0-9.]*$/ && k > 1 && base(second) == "ironic-conductor") { sel[cp] = 1; full[cp] = buf }
  else if ((b in SH) && k > 1) { sel[cp] = 1; par[cp] = 1; again[cp] = 1 }
  else a0[cp] = first
  cp = ""
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
  if (l ~ /^\/proc\/[0-9]+\/stat$/) { endcmd(); sp = substr(l, 7, length(l) - 11); return }
  if (l ~ /^\/proc\/[0-9]+\/cmdline$/) { endcmd(); sp = ""; cp = substr(l, 7, length(l) - 14); k = 0; buf = ""; first = ""; second = ""; return }
  if (sp != "") { statline(sp, l); sp = ""; return }
  if (cp == "") return
  k++
  if (k == 1) first = l; else if (k == 2) second = l
  buf = (k == 1 ? l : buf "\n" l)
}
{ rec($0) }
END {
  endcmd()
  for (p in statl) {
    if ((p in bad) || ((p in dz) && !(p in a0) && !(p in full))) { sel[p] = 1; par[p] = 1 }
    if (p in st) kids[pp[p]] = kids[pp[p]] " " p
  }
  for (p in par) queue[++qn] = p
  for (i = 1; i <= qn; i++) {
    n = split(kids[queue[i]], c, " ")
    for (j = 1; j <= n; j++) if (!(c[j] in sel)) { sel[c[j]] = 1; again[c[j]] = 1; queue[++qn] = c[j] }
  }
  reread()
  for (p in full) if (p in sel) { n = split(full[p], e, "\n"); for (i = 1; i <= n; i++) dirs(e[i]) }
  print "\n" M " stat@@"
  for (p in statl) if (p in sel) print "/proc/" p "/stat\n" statl[p]
  print "\n" M " cmdline@@"
  for (p in full) if ((p in sel) && (p in statl) && full[p] != "") print "/proc/" p "/cmdline\n" full[p]
  print "\n" M " ps@@"
  for (p in statl) if (!(p in sel)) {
    if (p in a0) { l = a0[p]; if (l !~ /\$$/) l = l "$"; print p " " pp[p] " " st[p] " " t0[p] " " l }
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
