import os, json
out = []
for p in sorted(int(x) for x in os.listdir('/proc') if x.isdigit()):
    try:
        argv = open('/proc/%d/cmdline' % p, 'rb').read().split(b'\0')
        if argv and argv[-1] == b'': argv = argv[:-1]
        comm = open('/proc/%d/comm' % p).read().strip()
        exe = os.readlink('/proc/%d/exe' % p)
        ppid = int(open('/proc/%d/stat' % p).read().rsplit(')', 1)[1].split()[1])
        uid = os.stat('/proc/%d' % p).st_uid
    except OSError:
        continue
    if comm in ('socat', 'shellinaboxd', 'ipmitool') or b'ironic-conductor' in b' '.join(argv):
        out.append({'pid': p, 'ppid': ppid, 'uid': uid, 'comm': comm, 'exe': exe, 'argv': [a.decode() for a in argv]})
files = []
for f in sorted(os.listdir('/tmp')):
    st = os.lstat('/tmp/' + f)
    e = {'name': f, 'mode': oct(st.st_mode & 0o7777), 'size': st.st_size}
    if f.endswith('.pid'):
        e['content'] = open('/tmp/' + f).read()
    files.append(e)
print(json.dumps({'host': open('/proc/sys/kernel/hostname').read().strip(), 'processes': out, 'tmp': files}))
