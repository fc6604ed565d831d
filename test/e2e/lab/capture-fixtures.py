#!/usr/bin/python3
"""Capture real responses of the lab's Ironic as fixtures for the Ironic client's unit tests.

Run inside the hub namespace on a fresh lab (capture-fixtures.sh does that):
  capture-fixtures.py OUT_DIR            the baseline set
  capture-fixtures.py OUT_DIR after-kill conductors and nodes after a conductor died
Each file: {"request": {...}, "status": N, "headers": {...}, "body": ...}.
"""
import json
import os
import sys
import time
import uuid as uuidlib

import requests

API = 'http://127.0.0.1:6385'
LATEST = '1.82'
KEEP_HEADERS = ('content-type', 'location', 'openstack-api-version',
                'x-openstack-ironic-api-version', 'x-openstack-ironic-api-minimum-version',
                'x-openstack-ironic-api-maximum-version', 'x-openstack-request-id')


def call(method, path, version=LATEST, body=None):
    headers = {'Content-Type': 'application/json'}
    if version:
        headers['X-OpenStack-Ironic-API-Version'] = version
    r = requests.request(method, API + path, headers=headers,
                         data=None if body is None else json.dumps(body), timeout=30)
    try:
        parsed = r.json() if r.content else None
    except ValueError:
        parsed = r.text
    return {
        'request': {'method': method, 'path': path, 'headers': {k: v for k, v in headers.items() if k != 'Content-Type'},
                    **({'body': body} if body is not None else {})},
        'status': r.status_code,
        'headers': {k.lower(): v for k, v in r.headers.items() if k.lower() in KEEP_HEADERS},
        'body': parsed,
    }


def save(out, name, record, expect):
    if record['status'] != expect:
        raise SystemExit('%s: expected %s, got %s %s' % (name, expect, record['status'], record['body']))
    with open(os.path.join(out, name + '.json'), 'w') as f:
        json.dump(record, f, indent=2, sort_keys=True)
        f.write('\n')
    print('captured %s (%s)' % (name, record['status']), file=sys.stderr)


def node_by_name(name):
    return call('GET', '/v1/nodes/%s' % name)['body']


def baseline(out):
    save(out, 'root', call('GET', '/', version=None), 200)
    save(out, 'nodes-detail-limit-2', call('GET', '/v1/nodes?detail=True&limit=2'), 200)
    first = call('GET', '/v1/nodes?detail=True&limit=2')['body']
    marker = first['nodes'][-1]['uuid']
    save(out, 'nodes-detail-limit-2-page-2', call('GET', '/v1/nodes?detail=True&limit=2&marker=%s' % marker), 200)
    save(out, 'nodes-no-version-header', call('GET', '/v1/nodes?limit=2', version=None), 200)
    save(out, 'nodes-fields-conductor-500',
         call('GET', '/v1/nodes?fields=uuid,conductor,console_enabled&limit=2'), 500)
    save(out, 'conductors', call('GET', '/v1/conductors'), 200)
    save(out, 'conductors-detail', call('GET', '/v1/conductors?detail=True'), 200)
    save(out, 'node-not-found', call('GET', '/v1/nodes/%s' % uuidlib.uuid4()), 404)
    save(out, 'microversion-too-high', call('GET', '/v1/nodes?limit=1', version='1.999'), 406)
    node = node_by_name('lab-node-3')['uuid']
    path = '/v1/nodes/%s/states/console' % node
    save(out, 'console-disable-202', call('PUT', path, body={'enabled': False}), 202)
    wait_console(node, False)
    save(out, 'console-enable-202', call('PUT', path, body={'enabled': True}), 202)
    wait_console(node, True)
    # A power action retries ipmitool against the absent BMC for a few seconds, holding
    # the node's lock: a console request meanwhile is 409 NodeLocked. (Leaves last_error
    # on lab-node-8: capture on a throwaway lab.)
    locked = node_by_name('lab-node-8')['uuid']
    call('PUT', '/v1/nodes/%s/states/power' % locked, body={'target': 'power on'})
    save(out, 'console-node-locked-409',
         call('PUT', '/v1/nodes/%s/states/console' % locked, body={'enabled': False}), 409)


def wait_console(node, enabled, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        n = call('GET', '/v1/nodes/%s?fields=console_enabled,reservation' % node)['body']
        if n['console_enabled'] == enabled and not n['reservation']:
            return
        time.sleep(0.3)
    raise SystemExit('console of %s did not become %s' % (node, enabled))


def after_kill(out):
    save(out, 'conductors-one-dead', call('GET', '/v1/conductors?detail=True'), 200)
    save(out, 'nodes-detail-after-takeover', call('GET', '/v1/nodes?detail=True'), 200)


if __name__ == '__main__':
    target = sys.argv[1]
    os.makedirs(target, exist_ok=True)
    (after_kill if sys.argv[2:] == ['after-kill'] else baseline)(target)
