import { describe, expect, it } from 'vitest';
import { jumpHostsFromSshArgs, parseJumpSpec } from '../../src/inventory/proxy-jump.js';
import type { JumpHost } from '../../src/inventory/types.js';

const hop = (address: string, overrides: Partial<JumpHost> = {}): JumpHost => ({ address, port: 22, user: undefined, ...overrides });

describe('parseJumpSpec (OpenSSH ProxyJump values)', () => {
  it.each<[string, JumpHost[]]>([
    ['bastion', [hop('bastion')]],
    ['admin@bastion:2222', [hop('bastion', { user: 'admin', port: 2222 })]],
    ['a,b', [hop('a'), hop('b')]],
    ['admin@a:2200, ops@10.0.0.1', [hop('a', { user: 'admin', port: 2200 }), hop('10.0.0.1', { user: 'ops' })]],
    ['jump@[fd00::1]:2200', [hop('fd00::1', { user: 'jump', port: 2200 })]],
    ['fd00::1', [hop('fd00::1')]],
    ['ssh://admin@bastion:2222', [hop('bastion', { user: 'admin', port: 2222 })]],
    ['first.last@corp@bastion', [hop('bastion', { user: 'first.last@corp' })]],
    ['none', []],
  ])('%s', (spec, jumpHosts) => {
    expect(parseJumpSpec(spec)).toEqual({ ok: true, jumpHosts });
  });

  it.each([
    ['bastion:http', 'jump host "bastion:http": port must be an integer 1-65535, got "http"'],
    ['a,,b', 'jump host "": is empty'],
    ['@bastion', 'jump host "@bastion": has an empty user before "@"'],
  ])('%s is refused', (spec, error) => {
    expect(parseJumpSpec(spec)).toEqual({ ok: false, error });
  });
});

describe('jumpHostsFromSshArgs (ansible_ssh_common_args)', () => {
  it.each<[string, JumpHost[] | undefined]>([
    ['-o ProxyJump=a,b', [hop('a'), hop('b')]],
    ['-o ProxyJump="user@bastion:2222"', [hop('bastion', { user: 'user', port: 2222 })]],
    ["-o 'ProxyJump user@bastion:2222'", [hop('bastion', { user: 'user', port: 2222 })]],
    ['-oProxyJump=bastion', [hop('bastion')]],
    ['-o proxyjump=bastion', [hop('bastion')]],
    ['-J admin@bastion:2222', [hop('bastion', { user: 'admin', port: 2222 })]],
    ['-Jbastion', [hop('bastion')]],
    ['-o StrictHostKeyChecking=no -J a -o ProxyJump=b', [hop('a')]],
    ['-o ProxyJump=none', []],
    ['-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null', undefined],
    ['', undefined],
  ])('%j', (args, jumpHosts) => {
    expect(jumpHostsFromSshArgs(args)).toEqual(jumpHosts === undefined ? undefined : { ok: true, jumpHosts });
  });

  it('refuses ProxyCommand with a message that says what to write instead', () => {
    const result = jumpHostsFromSshArgs('-o ProxyCommand="ssh -W %h:%p -q user@gateway.example.com"');
    expect(result).toEqual({ ok: false, error: expect.stringContaining('ProxyCommand is not supported') });
    expect(result?.ok ? '' : result?.error).toContain('-o ProxyJump=user@bastion:port');
  });

  it('reports an unclosed quote', () => {
    expect(jumpHostsFromSshArgs('-o ProxyJump="bastion')).toEqual({ ok: false, error: 'cannot split ssh arguments: no closing quotation (")' });
  });
});
