import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { detectFormat } from '../../src/inventory/detect-format.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';

describe('detectFormat (by content, whatever the file is called)', () => {
  it.each([
    ['{"_meta": {"hostvars": {}}}', 'json'],
    ['  \n{\n "all": {}\n}', 'json'],
    ['[ironic-conductor]\nctl1\n', 'ini'],
    ['# comment\n; comment\nctl1 ansible_host=10.0.0.1\nctl2\n', 'ini'],
    ['ctl1\nctl2\n', 'ini'],
    ['[ironic-conductor:vars]\nansible_user=root\n', 'ini'],
    ['all:\n  hosts:\n    ctl1:\n', 'yaml'],
    ['---\nhosts:\n  ctl1: {}\n', 'yaml'],
    ['# console-doctor\nhosts:\n  ctl1:\n', 'yaml'],
    ['- ctl1\n', 'yaml'],
    ['"ironic-conductor":\n  hosts: {}\n', 'yaml'],
  ])('%j is %s', (text, format) => {
    expect(detectFormat(text)).toBe(format);
  });
});

describe('loadInventory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'console-doctor-inventory-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file of any name and expands ~ in identity files', async () => {
    const path = join(dir, 'hosts');
    writeFileSync(path, '[ironic-conductor]\nctl1 ansible_ssh_private_key_file=~/.ssh/ironic\nctl2 ansible_ssh_private_key_file=/keys/ironic\n');
    const { inventory, notes } = await loadInventory(path);
    expect(inventory.source).toBe(path);
    expect(inventory.format).toBe('ansible-ini');
    expect(inventory.hosts.map((h) => h.identityFiles)).toEqual([[join(homedir(), '.ssh/ironic')], ['/keys/ironic']]);
    expect(notes).toEqual(['using group ironic-conductor (2 hosts)']);
  });

  it('passes the group on', async () => {
    const path = join(dir, 'inventory.yml');
    writeFileSync(path, 'all:\n  children:\n    rack1:\n      hosts:\n        ctl1:\n    rack2:\n      hosts:\n        ctl2:\n');
    const { inventory } = await loadInventory(path, { group: 'rack2' });
    expect(inventory.hosts.map((h) => h.name)).toEqual(['ctl2']);
  });

  it.each([
    ['a missing file', 'missing.yaml', 'no such file'],
    ['a directory', '.', 'is a directory, not a file'],
  ])('refuses %s in one line naming the path', async (_, name, reason) => {
    const path = join(dir, name);
    const error = await loadInventory(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([`${path}: cannot read inventory: ${reason}`]);
    expect((error as ConfigError).cause).toBeDefined();
  });

  it('reports problems with the path it was given', async () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'hosts:\n  ctl1:\n    prot: 22\n');
    const error = await loadInventory(path).catch((e: unknown) => e);
    expect((error as ConfigError).problems).toEqual([`${path}:hosts.ctl1.prot: unknown key "prot" (did you mean "port"?) (line 3)`]);
  });
});
