#!/usr/bin/python3
"""The console-doctor lab's Ironic helper: enrol nodes, and wait until Ironic has settled.

Runs inside the hub network namespace (lib.sh's lab_py), so the API is at
127.0.0.1:6385. Looks into the conductor hosts with nsenter, by the pid of each host's
PID-namespace init. Only the standard library and python3-requests (ships with Ironic).

  ironic_lab.py setup               enrol the lab's nodes, enable consoles, wait
  ironic_lab.py settle [--timeout]  wait until Ironic's consoles match its own view
  ironic_lab.py state               print nodes, conductors and daemons as JSON
  ironic_lab.py daemons HOST        print HOST's console daemons as JSON
  ironic_lab.py containers HOST     print HOST's Ironic console containers as JSON (graphical)
  ironic_lab.py container HOST UUID print HOST's console container for node UUID (or fail)
  ironic_lab.py node UUID           print a node's owner, console and vnc facts as JSON
  ironic_lab.py token [project]     print a Keystone token of the admin user (system scope,
                                    or its project's) when the lab runs Keystone
  ironic_lab.py keystone-setup ADMIN_PW IRONIC_PW IRONIC_URL
                                    the catalog's baremetal endpoints and Ironic's service user
"""
import collections
import json
import os
import subprocess
import sys
import time

import requests

LAB = os.environ.get('CDLAB_DIR', '/run/cdlab')
API = 'http://127.0.0.1:6385'
HEADERS = {'X-OpenStack-Ironic-API-Version': '1.82', 'Content-Type': 'application/json'}
HOSTS = {'conductor-a': 'a', 'conductor-b': 'b', 'conductor-c': 'c'}

# The lab's nodes: (name, console interface, fixed ipmi_terminal_port or None, active?, extra driver_info)
NODES = [
    ('lab-node-1', 'ipmitool-socat', 10201, True, {}),
    ('lab-node-2', 'ipmitool-socat', None, True, {'ipmi_hex_kg_key': '0123456789abcdef0123456789abcdef01234567'}),
    ('lab-node-3', 'ipmitool-shellinabox', 10203, True, {}),
    ('lab-node-4', 'ipmitool-socat', None, True, {}),
    ('lab-node-5', 'ipmitool-socat', None, True, {}),
    ('lab-node-6', 'ipmitool-socat', 10206, True, {}),
    ('lab-node-7', 'ipmitool-shellinabox', None, False, {}),
    ('lab-node-8', 'ipmitool-socat', None, False, {}),
    ('lab-node-9', 'ipmitool-socat', 10209, False, {}),
]


def _release():
    """The Debian suite whose Ironic the lab runs (up.sh writes it; lib.sh explains)."""
    try:
        with open(os.path.join(LAB, 'release')) as f:
            return f.read().strip() or 'bookworm'
    except OSError:
        return os.environ.get('CDLAB_IRONIC', 'bookworm')


RELEASE = _release()
# Ironic removed the ipmitool-shellinabox console in 35.0: there its nodes use socat too.
if RELEASE not in ('bookworm', 'trixie'):
    NODES = [(name, 'ipmitool-socat' if console == 'ipmitool-shellinabox' else console, port, active, extra)
             for name, console, port, active, extra in NODES]


def _variant(name, default='no'):
    try:
        with open(os.path.join(LAB, name)) as f:
            return f.read().strip() or default
    except OSError:
        return default


# CDLAB_GRAPHICAL=yes (up.sh writes it): graphical consoles, Ironic's `container` provider.
GRAPHICAL = _variant('graphical') == 'yes'
# The lab's graphical nodes (fake-hardware, console fake-graphical): (name, active?). One
# ACTIVE node on each conductor (takeover starts a new container only for ACTIVE nodes) and
# one other (deletable: node-deleted), placed like the serial nodes (GRAPHICAL_QUOTA).
GRAPHICAL_NODES = [('lab-gfx-1', True), ('lab-gfx-2', True), ('lab-gfx-3', True), ('lab-gfx-4', False)]
GRAPHICAL_QUOTA = {True: 1, False: 1}
CONTAINER_PREFIX = 'ironic-console-'
LABEL = 'org.openstack.ironic.'


def is_graphical(node):
    return (node.get('console_interface') or '').endswith('-graphical')


def log(msg):
    print('[cdlab %s] %s' % (time.strftime('%H:%M:%S'), msg), file=sys.stderr, flush=True)


KEYSTONE_URL_FILE = os.path.join(LAB, 'keystone.url')
ADMIN_PASSWORD = 'cdlab-admin-secret'  # lib.sh's KEYSTONE_ADMIN_PASSWORD
_tokens = {}


def token(scope='system', password=ADMIN_PASSWORD):
    """A token of the lab's Keystone admin: system-scoped, or scoped to its project (None
    when the lab runs without Keystone). Kept for this process's life (tokens last 4 h)."""
    if not os.path.exists(KEYSTONE_URL_FILE):
        return None
    if scope not in _tokens:
        with open(KEYSTONE_URL_FILE) as f:
            url = f.read().strip()
        wanted = {'system': {'all': True}} if scope == 'system' else {
            'project': {'name': 'admin', 'domain': {'name': 'Default'}}}
        body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
            'name': 'admin', 'domain': {'name': 'Default'}, 'password': password}}},
            'scope': wanted}}
        r = requests.post(url + '/auth/tokens', json=body, timeout=60)
        if r.status_code != 201:
            raise SystemExit('Keystone: a %s-scoped token for admin -> %s %s' % (scope, r.status_code, r.text[:300]))
        _tokens[scope] = r.headers['X-Subject-Token']
    return _tokens[scope]


def keystone_setup(admin_password, ironic_password, ironic_url):
    """What a deployment tool does for Ironic in Keystone: a baremetal service with public and
    internal endpoints, and a service user `ironic` (role service in project service) for
    keystonemiddleware to check tokens with."""
    with open(KEYSTONE_URL_FILE) as f:
        url = f.read().strip()
    h = {'X-Auth-Token': token('system', admin_password)}

    def post(path, body):
        r = requests.post(url + path, json=body, headers=h, timeout=60)
        if r.status_code not in (200, 201):
            raise SystemExit('Keystone: POST %s -> %s %s' % (path, r.status_code, r.text[:300]))
        return r.json()

    def find(path, key, name):
        r = requests.get(url + path, params={'name': name}, headers=h, timeout=60)
        found = r.json()[key]
        if not found:
            raise SystemExit('Keystone: no %s named %s' % (key, name))
        return found[0]['id']

    service = post('/services', {'service': {'type': 'baremetal', 'name': 'ironic'}})['service']['id']
    for interface in ('public', 'internal'):
        post('/endpoints', {'endpoint': {'service_id': service, 'interface': interface,
                                         'url': ironic_url, 'region_id': 'RegionOne'}})
    project = post('/projects', {'project': {'name': 'service', 'domain_id': 'default'}})['project']['id']
    user = post('/users', {'user': {'name': 'ironic', 'domain_id': 'default', 'password': ironic_password}})['user']['id']
    role = find('/roles', 'roles', 'service')
    r = requests.put('%s/projects/%s/users/%s/roles/%s' % (url, project, user, role), headers=h, timeout=60)
    if r.status_code not in (200, 204):
        raise SystemExit('Keystone: granting service to ironic -> %s %s' % (r.status_code, r.text[:300]))
    log('Keystone: baremetal endpoint %s, service user ironic' % ironic_url)


def api(method, path, body=None, ok=(200, 201, 202, 204), retry_locked=True, headers=None):
    """One API call; retries 409 NodeLocked for a while (a busy node is normal here), and a
    500 naming a conductor the API cannot reach yet: Ironic 32.0+ conductors register
    before their forked worker's json-rpc server listens (seen on sid under load)."""
    deadline = time.time() + 120
    while True:
        t = token()
        auth = {'X-Auth-Token': t} if t else {}
        r = requests.request(method, API + path, headers=dict(HEADERS, **auth, **(headers or {})),
                             data=None if body is None else json.dumps(body), timeout=60)
        if r.status_code == 409 and retry_locked and time.time() < deadline:
            time.sleep(0.5)
            continue
        if (r.status_code == 500 and 'Unable to establish connection' in r.text
                and method in ('GET', 'PUT', 'POST', 'PATCH') and time.time() < deadline):
            log('%s %s: a conductor is not reachable yet; asking again' % (method, path))
            time.sleep(2)
            continue
        if r.status_code not in ok:
            raise SystemExit('%s %s -> %s %s' % (method, path, r.status_code, r.text[:400]))
        return r.json() if r.content else None


def nodes():
    # Not `fields=...,conductor`: Ironic 21.4 answers 500 ("type object 'Node' has no
    # attribute 'conductor'"), so take the detailed list. Newer releases hide nodes with a
    # parent_node unless include_children=True, and Debian's 29.0.5-0+deb13u3 makes every
    # PATCHed node its own parent: ask for children there (/v1/nodes/detail takes it at 1.82).
    if RELEASE == 'bookworm':
        found = api('GET', '/v1/nodes?detail=True&limit=1000')['nodes']
    else:
        # At 1.83, where nodes carry parent_node (self-parented nodes are out of Ironic's
        # periodic tasks: no takeover, no restart; the scenarios' expectations need it).
        found = api('GET', '/v1/nodes/detail?include_children=True&limit=1000',
                    headers={'X-OpenStack-Ironic-API-Version': '1.83'})['nodes']
    for n in found:
        n['conductor_registered'] = n.get('conductor')
        n['conductor'] = lab_name(n.get('conductor'))
    return found


def conductors():
    found = api('GET', '/v1/conductors?detail=True')['conductors']
    for c in found:
        c['hostname_registered'] = c['hostname']
        c['hostname'] = lab_name(c['hostname'])
    return found


def lab_name(registered):
    """The lab's name of a conductor as Ironic registered it: with a non-default
    [json_rpc]port (CDLAB_JSON_RPC_PORT), Ironic 23.0+ registers `conductor-a:8090`."""
    if registered and ':' in registered and registered.split(':', 1)[0] in HOSTS:
        return registered.split(':', 1)[0]
    return registered


def wait_for(what, predicate, timeout=180, interval=1.0, why=None):
    """Polls PREDICATE until it is true; on timeout says what was awaited and, from WHY(), what was still wrong."""
    deadline = time.time() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.time() > deadline:
            detail = (': ' + why()) if why else ''
            raise SystemExit('timed out after %ss waiting for %s%s' % (timeout, what, detail))
        time.sleep(interval)


def wait_provision(uuid, state, timeout=120):
    def done():
        n = api('GET', '/v1/nodes/%s?fields=provision_state,last_error,target_provision_state' % uuid)
        if n['provision_state'] in ('enroll', 'adopt failed', 'error') and n['provision_state'] != state and n.get('target_provision_state') is None:
            raise SystemExit('node %s ended in %s: %s' % (uuid, n['provision_state'], n.get('last_error')))
        return n['provision_state'] == state and n.get('target_provision_state') is None
    wait_for('node %s to reach %s' % (uuid, state), done, timeout, 0.5)


def init_pid(host):
    with open(os.path.join(LAB, 'hosts', host, 'init.pid')) as f:
        return f.read().strip()


def host_alive(host):
    try:
        return os.path.exists('/proc/%s' % init_pid(host))
    except OSError:
        return False


def host_ps(host):
    """[(pid, ppid, args)] of one lab host, as its own `ps` shows them."""
    out = subprocess.run(['nsenter', '-t', init_pid(host), '-p', '-m', '--',
                          'ps', '-eo', 'pid=,ppid=,args=', '-ww'],
                         check=True, capture_output=True, text=True).stdout
    procs = []
    for line in out.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3:
            procs.append((int(parts[0]), int(parts[1]), parts[2]))
    return procs


def daemons(host):
    """Console listeners on one host: {node uuid: [ {pid, type, port} ]} (session children excluded)."""
    procs = host_ps(host)
    by_pid = {p[0]: p for p in procs}
    found = {}
    for pid, ppid, args in procs:
        argv = args.split()
        if argv[0] == 'socat':
            lock = next((a[2:] for a in argv if a.startswith('-L')), None)
            parent = by_pid.get(ppid)
            if lock is None or (parent and parent[2] == args):
                continue  # a session child: same argv as its parent
            kind = 'socat'
            listen = next(a for a in argv if 'LISTEN:' in a)
            port = int(listen.split(':', 1)[1].split(',')[0])
        elif argv[0].endswith('shellinaboxd'):
            lock = next((a.split('=', 1)[1] for a in argv if a.startswith('--background=')), None)
            parent = by_pid.get(ppid)
            if lock is None or (parent and parent[2] == args):
                continue  # shellinaboxd's second process
            kind = 'shellinabox'
            port = int(argv[argv.index('-p') + 1])
        else:
            continue
        uuid = os.path.basename(lock)[:-4]
        found.setdefault(uuid, []).append({'pid': pid, 'type': kind, 'port': port})
    return found


def containers(host):
    """Ironic's console containers on one lab host, as its own podman lists them:
    {node uuid (label): [ {id, name, state, conductor (label), host_ip, host_port} ]}.
    Only containers labelled org.openstack.ironic.console=true; never `podman inspect` (its
    Env holds APP_INFO, the BMC credentials)."""
    r = subprocess.run(['nsenter', '-t', init_pid(host), '-m', '-p', '-u', '-n', '-r', '-w', '--',
                        'podman', 'ps', '--all', '--format', 'json'],
                       capture_output=True, text=True, env=dict(os.environ, PODMAN_IGNORE_CGROUPSV1_WARNING='1'))
    if r.returncode != 0:
        raise SystemExit('podman ps on %s failed: %s' % (host, r.stderr.strip()[-400:]))
    found = {}
    for c in json.loads(r.stdout or '[]'):
        labels = c.get('Labels') or {}
        if labels.get(LABEL + 'console') != 'true':
            continue
        port = next((p for p in (c.get('Ports') or []) if p.get('container_port') == 5900), {})
        found.setdefault(labels.get(LABEL + 'node'), []).append({
            'id': c['Id'], 'name': (c.get('Names') or [''])[0], 'state': c.get('State'),
            'conductor': labels.get(LABEL + 'conductor'),
            'host_ip': port.get('host_ip'), 'host_port': port.get('host_port')})
    return found


def container_for(node, host_containers):
    """The running container of HOST_CONTAINERS that serves NODE's console: its label names
    the node and it publishes the node's driver_internal_info vnc_port (None if none does)."""
    internal = node.get('driver_internal_info') or {}
    for c in host_containers.get(node['uuid'], []):
        if c['state'] == 'running' and internal.get('vnc_port') == c['host_port']:
            return c
    return None


def expected_port(node):
    info = node.get('driver_info') or {}
    internal = node.get('driver_internal_info') or {}
    return info.get('ipmi_terminal_port') or internal.get('allocated_ipmi_terminal_port')


def unsettled(live_hosts=None):
    """Why Ironic's consoles are not (yet) where Ironic says they should be; [] when settled."""
    alive = {c['hostname'] for c in conductors() if c['alive']}
    hosts = [h for h in HOSTS.values() if host_alive(h)]
    seen = {h: daemons(h) for h in hosts}
    boxes = {h: containers(h) for h in hosts} if GRAPHICAL else {}
    problems = []
    for n in nodes():
        if n.get('reservation') or n.get('target_provision_state'):
            problems.append('%s busy (%s)' % (n['name'], n.get('reservation') or n['target_provision_state']))
            continue
        if not n['console_enabled']:
            continue
        owner = n.get('conductor')
        if owner not in alive:
            problems.append('%s mapped to %s, not an alive conductor' % (n['name'], owner))
            continue
        # Ironic only (re)starts ACTIVE nodes' consoles on takeover; the others keep
        # console_enabled with no daemon on the new owner, which is the point of the lab.
        if n['provision_state'] != 'active' and owner not in (live_hosts or HOSTS):
            continue
        if is_graphical(n):
            if n['provision_state'] == 'active' and not container_for(n, boxes.get(HOSTS[owner], {})):
                problems.append('%s%s%s (no console container publishing vnc_port %s)' % (
                    n['name'], NO_DAEMON, owner, (n.get('driver_internal_info') or {}).get('vnc_port')))
            continue
        ds = seen.get(HOSTS[owner], {}).get(n['uuid'], [])
        if n['provision_state'] == 'active' and not ds:
            never = NEVER_STARTED if n.get('parent_node') == n['uuid'] else ''
            problems.append('%s%s%s%s' % (n['name'], NO_DAEMON, owner, never))
    return problems


NO_DAEMON = ': no daemon on its conductor '
# Debian's 29.0.5 and 35.0.1 make every PATCHed node its own parent, and Ironic's periodic
# tasks skip such nodes: no takeover will ever start their consoles (measured on both).
NEVER_STARTED = ' (self-parented: Ironic never takes it over)'


def settle(timeout, quiet_s=6, stuck_s=90):
    """Wait until nothing is unsettled for quiet_s seconds in a row (takeover comes in waves).

    Ironic itself can leave an ACTIVE node's console missing on its alive owner for good:
    `_sync_local_state` never takes over a node whose conductor_affinity already names
    that conductor, even when its daemon ran elsewhere. When the only problems left are
    such missing consoles, unchanged for stuck_s seconds (18 takeover periods here), that
    is the settled state, and a real `missing` finding for the tool. A self-parented node's
    missing console needs no such wait: Ironic skips the node by construction.
    """
    start = time.time()
    stable_since = None
    stuck = (None, None)  # (problems, since)
    while True:
        problems = [p for p in unsettled() if NEVER_STARTED not in p]
        if problems:
            stable_since = None
            if all(NO_DAEMON in p for p in problems):
                if stuck[0] != problems:
                    stuck = (problems, time.time())
                elif time.time() - stuck[1] >= stuck_s:
                    log('settled after %.0f s, with consoles Ironic does not start: %s'
                        % (time.time() - start, '; '.join(problems)))
                    return
            else:
                stuck = (None, None)
        elif stable_since is None:
            stable_since = time.time()
        elif time.time() - stable_since >= quiet_s:
            log('settled after %.0f s' % (time.time() - start))
            return
        if time.time() - start > timeout:
            raise SystemExit('Ironic did not settle in %s s: %s' % (timeout, '; '.join(problems)))
        time.sleep(1)


# Each conductor gets two ACTIVE nodes and one other: the hash ring of nine random UUIDs
# can hand one conductor seven nodes (its loss then trips fix's kill-share guard, and
# scenarios lose their variety) or a lone node (nothing left to restart after deleting it).
QUOTA = {True: 2, False: 1}


def create_balanced(name, active, owned, attempts=60, quota=None):
    """Creates node NAME, re-creating it under a new random UUID until Ironic maps it to a
    conductor with room in QUOTA for its kind. OWNED is a Counter of (conductor, active)."""
    for _ in range(attempts):
        n = api('POST', '/v1/nodes', {'name': name, 'driver': 'fake-hardware'})
        owner = lab_name(api('GET', '/v1/nodes/%s' % n['uuid'])['conductor'])  # not fields=conductor: a 500 on 21.4
        if owned[(owner, active)] < (quota or QUOTA)[active]:
            owned[(owner, active)] += 1
            return n
        api('DELETE', '/v1/nodes/%s' % n['uuid'])
    raise SystemExit('could not place %s on a conductor with room in %s attempts' % (name, attempts))


def setup():
    wait_for('three alive conductors', lambda: len([c for c in conductors() if c['alive']]) == 3, 180)
    time.sleep(6)  # the API's hash ring is rebuilt every hash_ring_reset_interval (5 s)
    existing = {n['name']: n for n in nodes()}
    created = []
    owned = collections.Counter()
    for name, console, port, active, extra in NODES:
        if name in existing:
            n = existing[name]
            owned[(n['conductor'], active)] += 1
            created.append((n['uuid'], name, console, port, active, extra))
            continue
        n = create_balanced(name, active, owned)
        created.append((n['uuid'], name, console, port, active, extra))
    for uuid, name, console, port, active, extra in created:
        n = api('GET', '/v1/nodes/%s' % uuid)
        if n['provision_state'] == 'enroll':
            api('PUT', '/v1/nodes/%s/states/provision' % uuid, {'target': 'manage'})
    for uuid, name, console, port, active, extra in created:
        if api('GET', '/v1/nodes/%s' % uuid)['provision_state'] != 'active':
            wait_provision(uuid, 'manageable')
        info = {'ipmi_address': '127.0.0.1', 'ipmi_username': 'admin',
                'ipmi_password': 'lab-bmc-password-%s' % name[-1]}
        info.update(extra)
        if port:
            info['ipmi_terminal_port'] = port
        patch = [{'op': 'replace', 'path': '/driver', 'value': 'ipmi'},
                 {'op': 'replace', 'path': '/console_interface', 'value': console},
                 {'op': 'replace', 'path': '/driver_info', 'value': info}]
        if api('GET', '/v1/nodes/%s' % uuid)['driver'] != 'ipmi':
            api('PATCH', '/v1/nodes/%s?reset_interfaces=true' % uuid, patch)
        if active and api('GET', '/v1/nodes/%s' % uuid)['provision_state'] == 'manageable':
            api('PUT', '/v1/nodes/%s/states/provision' % uuid, {'target': 'adopt'})
    graphical = setup_graphical(existing) if GRAPHICAL else []
    for uuid, name, console, port, active, extra in created:
        wait_provision(uuid, 'active' if active else 'manageable')
        api('PUT', '/v1/nodes/%s/states/console' % uuid, {'enabled': True})
    for uuid, active in graphical:
        wait_provision(uuid, 'active' if active else 'manageable')
        api('PUT', '/v1/nodes/%s/states/console' % uuid, {'enabled': True})
    wait_for('consoles enabled', consoles_enabled_retrying, 120,
             why=lambda: 'still disabled: ' + ', '.join('%s (%s)' % (n['name'], n.get('last_error'))
                                                     for n in nodes() if not n['console_enabled']))

    def missing():
        ns = nodes()
        boxes = {h: containers(h) for h in HOSTS.values()} if GRAPHICAL else {}
        return [n['name'] for n in ns
                if (not container_for(n, boxes[HOSTS[n['conductor']]]) if is_graphical(n)
                    else n['uuid'] not in daemons(HOSTS[n['conductor']]))]
    wait_for('every console daemon and container to run', lambda: not missing(), 120, why=lambda: ', '.join(missing()))
    log('%d nodes enrolled (%d graphical), consoles running' % (len(created) + len(graphical), len(graphical)))


def setup_graphical(existing):
    """Enrols GRAPHICAL_NODES (fake-hardware, console fake-graphical): each ACTIVE one on a
    conductor of its own, adopted; the others manageable. Returns [(uuid, active)]."""
    owned = collections.Counter()
    created = []
    for name, active in GRAPHICAL_NODES:
        if name in existing:
            n = existing[name]
            owned[(n['conductor'], active)] += 1
        else:
            n = create_balanced(name, active, owned, quota=GRAPHICAL_QUOTA)
        created.append((n['uuid'], active))
    for uuid, active in created:
        if api('GET', '/v1/nodes/%s' % uuid)['provision_state'] == 'enroll':
            api('PUT', '/v1/nodes/%s/states/provision' % uuid, {'target': 'manage'})
    for uuid, active in created:
        n = api('GET', '/v1/nodes/%s' % uuid)
        if n['provision_state'] != 'active':
            wait_provision(uuid, 'manageable')
        if n['console_interface'] != 'fake-graphical':
            api('PATCH', '/v1/nodes/%s' % uuid, [{'op': 'replace', 'path': '/console_interface', 'value': 'fake-graphical'}])
        if active and api('GET', '/v1/nodes/%s' % uuid)['provision_state'] == 'manageable':
            api('PUT', '/v1/nodes/%s/states/provision' % uuid, {'target': 'adopt'})
    return created


_last_enable_request = {}


def consoles_enabled_retrying(retry_after_s=15):
    """Whether every console is enabled; asks again for a console whose start failed (under
    load a daemon can miss [console]subprocess_timeout, and Ironic then leaves it disabled)."""
    disabled = [n for n in nodes() if not n['console_enabled']]
    for n in disabled:
        asked = _last_enable_request.setdefault(n['uuid'], time.time())
        if n.get('reservation') is None and time.time() - asked >= retry_after_s:
            log('%s: console still disabled (%s): enabling it again' % (n['name'], n.get('last_error')))
            api('PUT', '/v1/nodes/%s/states/console' % n['uuid'], {'enabled': True})
            _last_enable_request[n['uuid']] = time.time()
    return not disabled


def state():
    hosts = {name: (daemons(h) if host_alive(h) else None) for name, h in HOSTS.items()}
    found = {'nodes': nodes(), 'conductors': conductors(), 'daemons': hosts}
    if GRAPHICAL:
        # Graphical consoles apart: 'daemons' stays what the serial scenarios compare.
        found['containers'] = {name: (containers(h) if host_alive(h) else None) for name, h in HOSTS.items()}
    return found


def pick_victim(graphical=False):
    """The conductor whose loss shows the most: owns an ACTIVE node, ideally a non-ACTIVE one
    too; among serial consoles, or (GRAPHICAL) among graphical ones."""
    owned = {}
    for n in nodes():
        if n['console_enabled'] and n['conductor'] and is_graphical(n) == graphical:
            owned.setdefault(n['conductor'], []).append(n['provision_state'])
    def score(item):
        states = item[1]
        return ('active' in states, any(s != 'active' for s in states), len(states))
    best = max(owned.items(), key=score)
    if 'active' not in best[1]:
        raise SystemExit('no conductor owns an ACTIVE node with a console')
    return HOSTS[best[0]]


def pick_node(criteria):
    """First console-enabled node matching key=value criteria: state=active|other,
    console=socat|shellinabox|graphical, port=fixed|range, owner=a|b|c, not-owner=a|b|c.
    A graphical node only when asked for (console=graphical); it also gives its vnc_port and
    container name."""
    for n in sorted(nodes(), key=lambda n: n['name']):
        if not n['console_enabled']:
            continue
        if is_graphical(n) and criteria.get('console') != 'graphical':
            continue
        facts = {
            'state': 'active' if n['provision_state'] == 'active' else 'other',
            'console': n['console_interface'].split('-')[-1],
            'port': 'fixed' if n['driver_info'].get('ipmi_terminal_port') else 'range',
            'owner': HOSTS.get(n['conductor']),
        }
        ok = (all(facts.get(k) == v for k, v in criteria.items() if k != 'not-owner')
              and facts['owner'] != criteria.get('not-owner'))
        if ok:
            found = {'uuid': n['uuid'], 'name': n['name'], 'owner': facts['owner'],
                     'port': expected_port(n), 'state': n['provision_state']}
            if is_graphical(n):
                found['vnc_port'] = (n.get('driver_internal_info') or {}).get('vnc_port')
                found['container'] = CONTAINER_PREFIX + n['uuid']
            return found
    raise SystemExit('no node matches %s' % criteria)


def wait_conductor(host, alive, timeout=120):
    name = 'conductor-%s' % host
    def check():
        return any(c['hostname'] == name and c['alive'] == alive for c in conductors())
    start = time.time()
    wait_for('%s alive=%s in the API' % (name, alive), check, timeout)
    log('%s alive=%s after %.0f s' % (name, alive, time.time() - start))


def log_since_start(host):
    """What HOST's conductor logged since start_conductor last started it."""
    d = os.path.join(LAB, 'hosts', host)
    try:
        with open(os.path.join(d, 'conductor.log.offset')) as f:
            offset = int(f.read().strip() or 0)
    except OSError:
        offset = 0
    try:
        with open(os.path.join(d, 'conductor.log'), errors='replace') as f:
            f.seek(offset)
            return f.read()
    except OSError:
        return ''


def wait_restarted(host, before_file, timeout=180, nothing_mapped_s=12):
    """Until the restarted conductor on HOST has done its start-up console pass: every
    enabled node mapped to it has a daemon there that did not exist before, or the
    conductor said it skipped that node (Ironic skips a node that is locked at that
    moment and never retries: a real `missing` console). When Ironic maps no enabled node
    to HOST for longer than its hash rings take to notice the conductor
    (hash_ring_reset_interval is 5 s), there is nothing to restart."""
    name = 'conductor-%s' % host
    with open(before_file) as f:
        before_state = json.load(f)
    before = before_state['daemons'].get(name) or {}
    old = {d['pid'] for ds in before.values() for d in ds}
    # A restarted 39.0 conductor removes its containers first, then starts new ones.
    old_boxes = {c['id'] for cs in ((before_state.get('containers') or {}).get(name) or {}).values() for c in cs}
    unmapped_since = None

    def new_container(n, boxes):
        c = container_for(n, boxes)
        return c is not None and c['id'] not in old_boxes

    def waiting():
        """HOST's daemons, the enabled nodes mapped to HOST, and those still waiting for a new daemon."""
        seen = daemons(host)
        boxes = containers(host) if GRAPHICAL else {}
        said = log_since_start(host)
        # Ironic's start-up console pass skips self-parented nodes (Debian's 29.0.5-0+deb13u3
        # makes every PATCHed node its own parent): their old daemons are all there will be.
        mine = [n for n in nodes() if n['console_enabled'] and n['conductor'] == name
                and n.get('parent_node') != n['uuid']]
        left = [n for n in mine
                if not (new_container(n, boxes) if is_graphical(n)
                        else any(d['pid'] not in old for d in seen.get(n['uuid'], [])))
                and 'Node %s is locked while trying to start console' % n['uuid'] not in said]
        return seen, mine, left

    def check():
        nonlocal unmapped_since
        _, mine, left = waiting()
        if mine:
            unmapped_since = None
            return not left
        if unmapped_since is None:
            unmapped_since = time.time()
        return time.time() - unmapped_since >= nothing_mapped_s

    def why():
        seen, _, left = waiting()
        return 'no new daemon on %s for %s (daemons there: %s)' % (
            name, ', '.join('%s (%s)' % (n['name'], n['provision_state']) for n in left), json.dumps(seen))

    wait_for('%s to restart its consoles' % name, check, timeout, why=why)


def write_facts(name, before_file, pairs):
    facts = {'scenario': name}
    for pair in pairs:
        key, _, value = pair.partition('=')
        try:
            facts[key] = json.loads(value)
        except ValueError:
            facts[key] = value
    with open(before_file) as f:
        facts['before'] = json.load(f)
    facts['after'] = state()
    facts['at'] = time.strftime('%Y-%m-%dT%H:%M:%S%z')
    os.makedirs(os.path.join(LAB, 'facts'), exist_ok=True)
    with open(os.path.join(LAB, 'facts', name + '.json'), 'w') as f:
        json.dump(facts, f, indent=2)


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ''
    if cmd == 'setup':
        setup()
    elif cmd == 'settle':
        timeout = int(argv[argv.index('--timeout') + 1]) if '--timeout' in argv else 240
        settle(timeout)
    elif cmd == 'state':
        print(json.dumps(state(), indent=2))
    elif cmd == 'daemons':
        print(json.dumps(daemons(argv[2])))
    elif cmd == 'victim':
        print(pick_victim(graphical=argv[2:] == ['graphical']))
    elif cmd == 'node':
        n = api('GET', '/v1/nodes/%s' % argv[2])
        internal = n.get('driver_internal_info') or {}
        print(json.dumps({'uuid': n['uuid'], 'name': n['name'], 'owner': HOSTS.get(lab_name(n.get('conductor'))),
                          'state': n['provision_state'], 'console_enabled': n['console_enabled'],
                          'vnc_host': internal.get('vnc_host'), 'vnc_port': internal.get('vnc_port')}))
    elif cmd == 'containers':
        print(json.dumps(containers(argv[2])))
    elif cmd == 'container':
        found = containers(argv[2]).get(argv[3], [])
        if len(found) != 1:
            raise SystemExit('%d console containers for node %s on %s: %s' % (len(found), argv[3], argv[2], json.dumps(found)))
        print(json.dumps(found[0]))
    elif cmd == 'pick':
        print(json.dumps(pick_node(dict(a.split('=', 1) for a in argv[2:]))))
    elif cmd == 'wait-conductor':
        wait_conductor(argv[2], argv[3] == 'alive')
    elif cmd == 'wait-restarted':
        wait_restarted(argv[2], argv[3])
    elif cmd == 'facts':
        write_facts(argv[2], argv[3], argv[4:])
    elif cmd == 'token':
        print(token(argv[2] if len(argv) > 2 else 'system') or '')
    elif cmd == 'keystone-setup':
        keystone_setup(argv[2], argv[3], argv[4])
    elif cmd == 'unsettled':
        print(json.dumps(unsettled(), indent=2))
    else:
        raise SystemExit(__doc__)


if __name__ == '__main__':
    main(sys.argv)
