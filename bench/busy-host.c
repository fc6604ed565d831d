/*
 * The busy-host profile's processes and sockets (bench/busy.mjs compiles this with
 * `gcc -O2 -static` into the run's work directory at bench time; no binary is committed).
 * It runs inside one simulated host (its PID, mount and network namespaces), started by
 * the host's start script before sshd:
 *
 *   cdbench-busy procs P GROUP READY_FILE
 *       P processes in services of GROUP processes: a service is forked (its own memory)
 *       and clones GROUP - 1 workers (CLONE_VM: processes of their own, with their own
 *       PID, name and credentials, sharing the service's memory and so its command line,
 *       like the forked workers of an API service). Each service takes the
 *       command line of a service a converged controller runs (nova, neutron, glance,
 *       keystone/uwsgi, placement, cinder, RabbitMQ's beam.smp, MariaDB, haproxy,
 *       memcached, apache2, OpenSearch's java, ...), 200 to 2,000 bytes long, as its
 *       /proc/PID/cmdline (prctl PR_SET_MM_MAP: what `ps args` and the probe
 *       read), the matching name as /proc/PID/comm (PR_SET_NAME), one of a few service
 *       users (root, daemon, www-data, nobody), and sleeps in pause().
 *
 *   cdbench-busy sockets S READY_FILE ADDRESS
 *       "haproxy" processes (one per 4,000: the hard RLIMIT_NOFILE, which root cannot raise
 *       here without CAP_SYS_RESOURCE, is 20,000) holding S listening TCP sockets, over 0.0.0.0,
 *       ADDRESS and 127.0.0.1, on ports 1024-65535 outside 2222 (sshd) and 26000-35999
 *       (the bench's console ports and the ports its nodes expect): the busy profile
 *       adds load, never a finding.
 *
 * Why not real services or `sleep`s: a worker costs the kernel ~30 kB (a service, with
 * its own page tables, more), so 100,000 of them fit the bench machine, and a clone takes
 * ~0.25 ms where a fork takes 2-4 ms in the bench's VM; what the probe reads of each
 * (stat, cmdline, status, fd and ns links) is what it would read of a real service. When every process exists (or on the first failure)
 * the parent writes READY_FILE ("ok" or "error: ..."): the start script waits for it.
 * Nothing here ever exits on its own: the host's PID namespace ends it (its PID 1 is
 * killed by the bench, by PID).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/prctl.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>


struct service {
  const char *comm;
  const char *argv; /* elements separated by '|' */
  const char *pad;  /* repeated (with the index) until the target length: more of the same options */
  uid_t uid;
};

static const struct service SERVICES[] = {
  {"nova-api", "/var/lib/kolla/venv/bin/python3|/var/lib/kolla/venv/bin/nova-api|--config-file|/etc/nova/nova.conf|--log-file|/var/log/kolla/nova/nova-api.log",
   "|--config-file|/etc/nova/nova.conf.d/%02d-overrides.conf", 0},
  {"nova-conductor", "/var/lib/kolla/venv/bin/python3|/var/lib/kolla/venv/bin/nova-conductor|--config-file|/etc/nova/nova.conf",
   "|--config-dir|/etc/nova/conductor.conf.d/worker-%02d", 65534},
  {"neutron-server", "/var/lib/kolla/venv/bin/python3|/var/lib/kolla/venv/bin/neutron-server|--config-file|/usr/share/neutron/neutron-dist.conf|--config-dir|/usr/share/neutron/server|--config-file|/etc/neutron/neutron.conf|--config-file|/etc/neutron/plugins/ml2/ml2_conf.ini",
   "|--config-dir|/etc/neutron/conf.d/neutron-server-%02d", 65534},
  {"uwsgi", "/usr/bin/uwsgi|--ini|/etc/keystone/keystone-uwsgi.ini|--plugins|python3|--http-socket|10.0.0.11:5000|--processes|8|--threads|1|--master|--lazy-apps|--die-on-term|--enable-threads|--wsgi-file|/var/lib/kolla/venv/bin/keystone-wsgi-public",
   "|--env|OS_KEYSTONE_WORKER_%02d=1", 33},
  {"placement-api", "/usr/bin/uwsgi|--ini|/etc/placement/placement-api-uwsgi.ini|--http-socket|10.0.0.11:8778|--processes|4|--master|--wsgi-file|/var/lib/kolla/venv/bin/placement-api",
   "|--mount|/placement%02d=/var/lib/kolla/venv/bin/placement-api", 33},
  {"glance-api", "/var/lib/kolla/venv/bin/python3|/var/lib/kolla/venv/bin/glance-api|--config-file|/etc/glance/glance-api.conf",
   "|--config-file|/etc/glance/glance-api.conf.d/store-%02d.conf", 65534},
  {"cinder-schedule", "/var/lib/kolla/venv/bin/python3|/var/lib/kolla/venv/bin/cinder-scheduler|--config-file|/etc/cinder/cinder.conf",
   "|--config-file|/etc/cinder/cinder.conf.d/backend-%02d.conf", 65534},
  {"beam.smp", "/usr/lib/erlang/erts-13.2.2.5/bin/beam.smp|-W|w|-MBas|ageffcbf|-MHas|ageffcbf|-MBlmbcs|512|-MHlmbcs|512|-MMmcs|30|-P|1048576|-t|5000000|-stbt|db|-zdbbl|128000|-sbwt|none|-sbwtdcpu|none|-sbwtdio|none|-B|i|--|-root|/usr/lib/erlang|-bindir|/usr/lib/erlang/erts-13.2.2.5/bin|-progname|erl|--|-home|/var/lib/rabbitmq|--|-noshell|-noinput|-s|rabbit|boot|-boot|start_sasl",
   "|-pa|/usr/lib/rabbitmq/lib/rabbitmq_server-3.12.%d/plugins/rabbit-3.12.%d/ebin", 1},
  {"mariadbd", "/usr/sbin/mariadbd|--basedir=/usr|--datadir=/var/lib/mysql|--plugin-dir=/usr/lib/mysql/plugin|--user=mysql|--wsrep_on=ON|--wsrep_provider=/usr/lib/galera/libgalera_smm.so|--wsrep-cluster-address=gcomm://10.0.0.11,10.0.0.12,10.0.0.13|--log-error=/var/log/kolla/mariadb/mariadb.log|--pid-file=/var/lib/mysql/mariadb.pid|--socket=/var/run/mysqld/mysqld.sock|--port=3306",
   "|--wsrep_provider_options=gcache.size=%d00M;gcs.fc_limit=%d", 1},
  {"haproxy", "/usr/sbin/haproxy|-W|-db|-p|/run/haproxy.pid|-f|/etc/haproxy/haproxy.cfg",
   "|-f|/etc/haproxy/services.d/service-%02d.cfg", 0},
  {"memcached", "/usr/bin/memcached|-v|-l|10.0.0.11|-p|11211|-c|5000|-U|0|-m|4096|-t|8",
   "|-o|ext_path=/var/lib/memcached/ext-%02d:64m", 65534},
  {"apache2", "/usr/sbin/apache2|-DFOREGROUND|-f|/etc/apache2/apache2.conf",
   "|-C|Include /etc/apache2/sites-enabled/wsgi-%02d.conf", 33},
  {"java", "/usr/share/opensearch/jdk/bin/java|-Xshare:auto|-Dopensearch.networkaddress.cache.ttl=60|-Dopensearch.networkaddress.cache.negative.ttl=10|-XX:+AlwaysPreTouch|-Xss1m|-Djava.awt.headless=true|-Dfile.encoding=UTF-8|-Djna.nosys=true|-Xms1g|-Xmx1g|-XX:+UseG1GC|-Des.path.home=/usr/share/opensearch|-Des.distribution.type=deb|-cp",
   "|/usr/share/opensearch/lib/opensearch-module-%02d.jar", 1},
};
#define N_SERVICES (sizeof SERVICES / sizeof SERVICES[0])

/*
 * The command line lives in one anonymous page mapped before the forks (copied on write
 * after them). Anonymous: /proc/PID/cmdline reads the argv area with FOLL_ANON, so a
 * buffer in the binary's file-backed data pages would read as empty.
 */
#define CMDLINE_SIZE 4096
static char *cmdline;

static void report(const char *ready, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(const char *ready, const char *fmt, ...) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", ready);
  FILE *f = fopen(tmp, "w");
  if (!f) return;
  va_list ap;
  va_start(ap, fmt);
  vfprintf(f, fmt, ap);
  va_end(ap);
  fputc('\n', f);
  fclose(f);
  rename(tmp, ready);
}

/* Target length of process i's command line: 200..2000 bytes, spread evenly. */
static size_t target_length(long i) { return 200 + (size_t)((i * 7919L) % 1801L); }

/* Builds the service's argv (NUL-separated, NUL-ended) into cmdline; returns its size. */
static size_t build(const struct service *s, long i, size_t want) {
  size_t n = 0;
  for (const char *p = s->argv; *p && n < CMDLINE_SIZE - 1; p++) cmdline[n++] = *p == '|' ? '\0' : *p;
  for (int k = 1; n < want; k++) {
    char piece[256];
    int len = snprintf(piece, sizeof piece, s->pad, (int)((i + k) % 97), k);
    if (len <= 0 || n + (size_t)len >= CMDLINE_SIZE - 1) break;
    for (int j = 0; j < len; j++) cmdline[n++] = piece[j] == '|' ? '\0' : piece[j];
  }
  cmdline[n++] = '\0';
  return n;
}

/*
 * Points this process's argv area at `cmdline` with PR_SET_MM_MAP (the whole memory map
 * at once, every other field as it is: what CRIU does; needs CAP_CHECKPOINT_RESTORE or
 * CAP_SYS_ADMIN, which root has even where CAP_SYS_RESOURCE, needed by the one-field
 * PR_SET_MM_ARG_START, is withheld, as in the bench's VM).
 */
static int set_cmdline(size_t size) {
  char stat[2048];
  int fd = open("/proc/self/stat", O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n = read(fd, stat, sizeof stat - 1);
  close(fd);
  if (n <= 0) return -1;
  stat[n] = '\0';
  char *p = strrchr(stat, ')');
  if (!p) return -1;
  unsigned long long f[64] = {0};
  int field = 2; /* the comm field ends at ')'; fields after it are 3, 4, ... */
  for (char *tok = strtok(p + 2, " "); tok && field < 63; tok = strtok(NULL, " ")) f[++field] = strtoull(tok, NULL, 10);
  if (field < 51) return -1;
  struct prctl_mm_map map = {
    .start_code = f[26], .end_code = f[27], .start_stack = f[28],
    .start_data = f[45], .end_data = f[46], .start_brk = f[47], .brk = (unsigned long long)(unsigned long)sbrk(0),
    .arg_start = (unsigned long long)(unsigned long)cmdline, .arg_end = (unsigned long long)(unsigned long)(cmdline + size),
    .env_start = f[50], .env_end = f[51], .auxv = NULL, .auxv_size = 0, .exe_fd = (unsigned int)-1,
  };
  return prctl(PR_SET_MM, PR_SET_MM_MAP, (unsigned long)&map, sizeof map, 0);
}

/* Gives this process service i's command line, name and user. */
static int become(long i, const struct service *s) {
  if (set_cmdline(build(s, i, target_length(i))) != 0) return -1;
  prctl(PR_SET_NAME, (unsigned long)s->comm, 0, 0, 0);
  if (s->uid != 0) {
    if (setresgid(s->uid, s->uid, s->uid) != 0 || setresuid(s->uid, s->uid, s->uid) != 0) return -1;
  }
  return 0;
}

static void sleep_forever(void) {
  for (;;) pause();
}

/* A worker: a process of its own (own PID, comm and credentials) sharing its service's memory. */
static int worker(void *arg) {
  (void)arg;
  for (;;) syscall(SYS_pause); /* no libc state: the memory (and TLS) is the service's */
  return 0;
}

/*
 * One service: its own memory and command line, then `workers` more processes cloned with
 * CLONE_VM (same argv, like the forked workers of an API service; a fork costs ~2-4 ms
 * of page-table copying in the bench's VM, a clone ~0.25 ms). Reports one byte ('.' or
 * 'E') on `done`.
 */
static void service(long index, long workers, int done) {
  if (become(index, &SERVICES[index % N_SERVICES]) != 0) {
    (void)!write(done, "E", 1);
    _exit(1);
  }
  const size_t stack = 16384;
  char *stacks = workers > 0 ? mmap(NULL, (size_t)workers * stack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) : NULL;
  if (stacks == MAP_FAILED) {
    (void)!write(done, "E", 1);
    _exit(1);
  }
  for (long w = 0; w < workers; w++) {
    if (clone(worker, stacks + (size_t)(w + 1) * stack, CLONE_VM | SIGCHLD, NULL) < 0) {
      (void)!write(done, "E", 1);
      _exit(1);
    }
  }
  (void)!write(done, ".", 1);
}

/* P processes: ceil(P / group) services of `group` processes each (the last one smaller). */
static int procs(long p, long group, const char *ready) {
  if (p < 1 || group < 1) {
    report(ready, "error: procs %ld and group %ld must be at least 1", p, group);
    return 1;
  }
  int done[2];
  if (pipe(done) != 0) return 1;
  long services = (p + group - 1) / group;
  /* This process is service 0; the others are forked children. */
  for (long i = 1; i < services; i++) {
    long size = i == services - 1 ? p - i * group : group;
    pid_t child = fork();
    if (child < 0) {
      report(ready, "error: fork of busy service %ld of %ld failed: %s", i + 1, services, strerror(errno));
      return 1;
    }
    if (child == 0) {
      close(done[0]);
      service(i, size - 1, done[1]);
      close(done[1]);
      sleep_forever();
    }
  }
  close(done[1]);
  long ok = 0, failed = 0;
  char buf[256];
  ssize_t n;
  while (ok + failed < services - 1 && (n = read(done[0], buf, sizeof buf)) > 0) {
    for (ssize_t k = 0; k < n; k++) *(buf[k] == '.' ? &ok : &failed) += 1;
  }
  close(done[0]);
  if (failed > 0 || ok < services - 1) {
    report(ready, "error: %ld of %ld busy services could not start (prctl PR_SET_MM_MAP, setresuid or clone failed)", services - 1 - ok, services - 1);
    return 1;
  }
  int self[2];
  if (pipe(self) != 0) return 1;
  service(0, (services == 1 ? p : group) - 1, self[1]);
  char c = 'E';
  if (read(self[0], &c, 1) != 1 || c != '.') {
    report(ready, "error: busy service 1 could not start: %s", strerror(errno));
    return 1;
  }
  close(self[0]);
  close(self[1]);
  report(ready, "ok");
  sleep_forever();
  return 0;
}

static int in_reserved(int port) { return port == 2222 || (port >= 26000 && port < 36000); }

/* Sockets per holder process: what its hard RLIMIT_NOFILE allows (raising it needs CAP_SYS_RESOURCE). */
#define SOCKETS_PER_HOLDER_MAX 4000

/* Listens on sockets [first, first + count) of the host's list; -1 with `error` set on failure. */
static int listen_range(long first, long count, const char *address, char *error, size_t error_size) {
  const char *addresses[] = {"0.0.0.0", address, "127.0.0.1"};
  int port = 1024;
  for (long i = 0; i < first + count; i++, port++) {
    while (in_reserved(port)) port++;
    if (port > 65535) {
      snprintf(error, error_size, "out of ports after %ld listening sockets", i);
      return -1;
    }
    if (i < first) continue;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
      snprintf(error, error_size, "socket %ld: %s", i + 1, strerror(errno));
      return -1;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    inet_pton(AF_INET, addresses[i % 3], &sa.sin_addr);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 16) != 0) {
      snprintf(error, error_size, "listen on %s:%d: %s", addresses[i % 3], port, strerror(errno));
      return -1;
    }
  }
  return 0;
}

/* S listening sockets held by ceil(S / per-holder) "haproxy" processes. */
static int sockets(long count, const char *ready, const char *address) {
  struct rlimit lim;
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 1;
  long per = lim.rlim_max == RLIM_INFINITY || lim.rlim_max > SOCKETS_PER_HOLDER_MAX + 64 ? SOCKETS_PER_HOLDER_MAX : (long)lim.rlim_max - 64;
  if (per < 1) {
    report(ready, "error: RLIMIT_NOFILE %ld is too low to hold sockets", (long)lim.rlim_max);
    return 1;
  }
  lim.rlim_cur = (rlim_t)per + 64;
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0) {
    report(ready, "error: cannot raise RLIMIT_NOFILE to %ld: %s", per + 64, strerror(errno));
    return 1;
  }
  static const struct service holder = {"haproxy", "/usr/sbin/haproxy|-Ws|-f|/etc/haproxy/haproxy.cfg|-p|/run/haproxy.pid|-S|/run/haproxy-master.sock",
                                        "|-f|/etc/haproxy/frontends.d/frontend-%02d.cfg", 0};
  int done[2];
  if (pipe(done) != 0) return 1;
  long holders = count > 0 ? (count + per - 1) / per : 0;
  for (long h = 1; h < holders; h++) {
    pid_t child = fork();
    if (child < 0) {
      report(ready, "error: fork of socket holder %ld: %s", h + 1, strerror(errno));
      return 1;
    }
    if (child == 0) {
      char error[256] = "";
      close(done[0]);
      long n = h == holders - 1 ? count - h * per : per;
      int ok = listen_range(h * per, n, address, error, sizeof error) == 0 && become(h, &holder) == 0;
      if (!ok && error[0] == '\0') snprintf(error, sizeof error, "prctl PR_SET_MM_MAP: %s", strerror(errno));
      (void)!write(done[1], ok ? "." : error, ok ? 1 : strlen(error)); /* one write: never interleaved */
      close(done[1]);
      if (!ok) _exit(1);
      sleep_forever();
    }
  }
  close(done[1]);
  char error[256] = "";
  long n = holders <= 1 ? count : per;
  if (count > 0 && listen_range(0, n, address, error, sizeof error) != 0) {
    report(ready, "error: %s", error);
    return 1;
  }
  long ok = 0;
  char buf[256];
  ssize_t got;
  while (ok < holders - 1 && (got = read(done[0], buf, sizeof buf - 1)) > 0) {
    buf[got] = '\0';
    size_t dots = strspn(buf, ".");
    ok += (long)dots;
    if (dots < (size_t)got) {
      report(ready, "error: %s", buf + dots);
      return 1;
    }
  }
  if (holders > 1 && ok < holders - 1) {
    report(ready, "error: %ld of %ld socket holders did not start", holders - 1 - ok, holders - 1);
    return 1;
  }
  if (become(0, &holder) != 0) {
    report(ready, "error: prctl(PR_SET_MM_MAP) failed: %s (the bench runs as root)", strerror(errno));
    return 1;
  }
  report(ready, "ok");
  sleep_forever();
  return 0;
}

int main(int argc, char **argv) {
  signal(SIGCHLD, SIG_IGN); /* a child that fails to become a service is reaped at once */
  cmdline = mmap(NULL, CMDLINE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (cmdline == MAP_FAILED) return 1;
  if (argc == 5 && strcmp(argv[1], "procs") == 0) return procs(atol(argv[2]), atol(argv[3]), argv[4]);
  if (argc == 5 && strcmp(argv[1], "sockets") == 0) return sockets(atol(argv[2]), argv[3], argv[4]);
  fprintf(stderr, "usage: %s procs P GROUP READY_FILE | sockets S READY_FILE ADDRESS\n", argv[0]);
  return 2;
}
