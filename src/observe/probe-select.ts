/**
 * The probe's one awk pass over /proc (probe format 3). It reads what
 * `sed -z -s -n -e 1F -e '1,64l 0' /proc/[0-9]*\/stat /proc/[0-9]*\/cmdline` printed (every
 * stat record, then every cmdline record: a name line, then escaped elements ended by `$`)
 * and sends whole records only for the processes the classifier can use:
 *
 * - console-like: argv0's basename is socat, socat1, shellinaboxd or ipmitool; or sh, bash
 *   or dash with an element naming ipmitool or socat (a session child); or the conductor
 *   (`ironic-conductor`, `python* .../ironic-conductor`: conductor-user.ts needs its uid);
 *   or, with no argv left (a zombie), a command name of socat, socat1, shellinaboxd or ipmitool;
 * - children of console-like processes, whatever their argv (a socat's EXEC may run a
 *   wrapper), and so on down, as long as each parent's command name is one of the above
 *   or a shell (only those records are held back until the end);
 * - a process whose stat line does not parse (the client drops it with a warning).
 *
 * Every other process is one `ps` line: `pid ppid state starttime argv0$`, argv0 still
 * escaped and ended by `$` (no argv0: the line ends after starttime). For the whole records
 * it prints the stat and cmdline records unchanged and their status Uid/NSpid lines (read
 * with getline: no fork per process). On standard error it prints `p PID` per whole record,
 * `u UID` per uid seen and `d DIR` per pid/password directory a console argv names, for the
 * rest of the probe. Lenient by design: the classifier still decides what is a console.
 *
 * Escaping is kept: element lines always end in `$` (or are exactly the cut width), name
 * lines never do, and only lines matching `^/proc/N/(stat|cmdline)$` start a record.
 */
export const SELECT_AWK = String.raw`
BEGIN {
  split("socat socat1 shellinaboxd ipmitool", x, " "); for (i in x) D[x[i]] = 1
  split("socat socat1 shellinaboxd ipmitool sh bash dash", x, " "); for (i in x) C0[x[i]] = 1
  split("sh bash dash", x, " "); for (i in x) SH[x[i]] = 1
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
  if (c in C0) c0[p] = 1
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
function endcmd(   n, e, i) {
  if (cp == "") return
  if (cons || (sh && hit)) {
    sel[cp] = 1; full[cp] = buf
    if (!conductor) par[cp] = 1
    n = split(buf, e, "\n")
    for (i = 1; i <= n; i++) dirs(e[i])
  } else {
    a0[cp] = first
    if (cand) cb[cp] = buf
  }
  cp = ""
}
/^\/proc\/[0-9]+\/stat$/ { endcmd(); sp = substr($0, 7, length($0) - 11); next }
/^\/proc\/[0-9]+\/cmdline$/ {
  endcmd(); sp = ""
  cp = substr($0, 7, length($0) - 14); k = 0; buf = ""; first = ""
  cons = 0; sh = 0; hit = 0; py = 0; conductor = 0
  cand = (cp in pp) && (pp[cp] in c0); keep = cand
  next
}
sp != "" { statline(sp, $0); sp = ""; next }
cp != "" {
  k++
  if (k == 1) {
    first = $0; b = base($0)
    if (b in D) { cons = 1; keep = 1 }
    else if (b in SH) { sh = 1; keep = 1 }
    else if (b == "ironic-conductor") { cons = 1; conductor = 1; keep = 1 }
    else if (b ~ /^python[0-9.]*$/) { py = 1; keep = 1 }
  } else if (k == 2 && py) {
    if (base($0) == "ironic-conductor") { cons = 1; conductor = 1 } else keep = cand
  }
  if (sh && !hit && (index($0, "ipmitool") || index($0, "socat"))) hit = 1
  if (keep) buf = (k == 1 ? $0 : buf "\n" $0)
}
END {
  endcmd()
  for (p in statl) if ((p in bad) || ((p in dz) && !(p in a0) && !(p in full))) { sel[p] = 1; par[p] = 1 }
  do {
    grew = 0
    for (p in cb) if (!(p in sel) && (pp[p] in par)) { sel[p] = 1; par[p] = 1; full[p] = cb[p]; grew = 1 }
  } while (grew)
  print "\n" M " stat@@"
  for (p in statl) if (p in sel) print "/proc/" p "/stat\n" statl[p]
  print "\n" M " cmdline@@"
  for (p in full) if ((p in sel) && (p in statl)) print "/proc/" p "/cmdline\n" full[p]
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
}
`;
