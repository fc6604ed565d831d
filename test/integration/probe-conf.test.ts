/**
 * ironic.conf's filter runs in two places (probe-conf.ts): the select awk on the host, sed
 * inside a conductor's container. Both must print exactly the same lines, and no secret,
 * from the same file, in every awk the probe may meet. The file is full of what real ones
 * hold: passwords in URLs, a key that looks like a kept one, CRLF line ends, tabs,
 * headers with comments, empty values, `=` inside values, a header-looking value.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONF_AWK, confSedFilter } from '../../src/observe/probe-conf.js';
import { makeTempDir } from '../helpers/console-daemons.js';

const dir = makeTempDir('cd-conf-');
const file = join(dir, 'ironic.conf');
writeFileSync(
  file,
  [
    '[DEFAULT]',
    'host = conductor-7   ',
    '  tempdir\t=\t/var/lib/ironic/tmp\t',
    'hostname = not-a-kept-key',
    'HOST = upper-case-is-another-key',
    'host=',
    'host =    ',
    '# host = commented-out',
    'transport_url = rabbit://ironic:RABBITSECRET@10.0.0.5:5672/',
    '[database] # the database',
    'connection = mysql+pymysql://ironic:DBSECRET@db/ironic?charset=utf8',
    '[console]\r',
    'terminal_pid_dir = /run/ironic\r',
    'socat_address = 192.0.2.10 ',
    'port_range = 10000:20000',
    'port_range=a=b',
    '[keystone_authtoken]',
    'password = KSSECRET',
    'host = [not-a-header]',
    '[vnc',
    '[vnc]',
    'enabled = True',
    'container_provider = systemd',
    'container_host = unix:///run/podman/podman.sock?token=PODMANSECRET',
    'container_host =   ',
    'container_executable = /usr/bin/podman',
    '   [conductor]   trailing',
    '',
  ].join('\n'),
);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AWKS: readonly (readonly [string, readonly string[]])[] = [
  ['mawk', ['mawk']],
  ['gawk', ['gawk']],
  ['busybox awk', ['busybox', 'awk']],
];

function bySed(): string[] {
  const run = spawnSync('sh', ['-c', `conf="$1"; ${confSedFilter()}`, 'sh', file], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  expect(run.status).toBe(0);
  return run.stdout.split('\n').filter((l) => l !== '');
}

function byAwk(argv: readonly string[]): string[] {
  const [program, ...first] = argv;
  const run = spawnSync(program as string, [...first, `${CONF_AWK}\nBEGIN { RS = sprintf("%c", 0) } { conf($0) }`, file], {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C' },
  });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toBe('');
  return run.stderr
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      expect(l.startsWith('c ')).toBe(true);
      return l.slice(2);
    });
}

describe("ironic.conf's filter", () => {
  it('sed keeps the headers and the wanted keys, trimmed, and no secret', () => {
    expect(bySed()).toEqual([
      '[DEFAULT]',
      'host=conductor-7',
      'tempdir=/var/lib/ironic/tmp',
      '[database]',
      '[console]',
      'terminal_pid_dir=/run/ironic',
      'socat_address=192.0.2.10',
      'port_range=10000:20000',
      'port_range=a=b',
      '[keystone_authtoken]',
      'host=[not-a-header]',
      '[vnc]',
      'enabled=True',
      'container_provider=systemd',
      'container_host=set',
      'container_executable=/usr/bin/podman',
      '[conductor]',
    ]);
  });

  it.each(AWKS)('the select awk (%s) prints exactly what sed prints', (_name, argv) => {
    const reference = bySed();
    const lines = byAwk(argv);
    expect(lines).toEqual(reference);
    expect(lines.join('\n')).not.toMatch(/SECRET/);
  });
});
