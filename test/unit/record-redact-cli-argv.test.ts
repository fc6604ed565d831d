import { describe, expect, it } from 'vitest';
import { redactCliArgv, redactCommandLine } from '../../src/record/redact-cli-argv.js';

describe('redactCliArgv', () => {
  it.each([
    { name: 'option value in the next argument', argv: ['fix', '--os-password', 'hunter2', '--yes'], want: ['fix', '--os-password', '***', '--yes'] },
    { name: 'option value after =', argv: ['scan', '--os-password=hunter2'], want: ['scan', '--os-password=***'] },
    { name: '--password', argv: ['--password', 'pw'], want: ['--password', '***'] },
    { name: '--token and --os-token', argv: ['--token', 'gAAAA', '--os-token=gAAAB'], want: ['--token', '***', '--os-token=***'] },
    { name: 'application credential secret', argv: ['--os-application-credential-secret', 's3cr3t'], want: ['--os-application-credential-secret', '***'] },
    { name: 'ipmitool KG key -y', argv: ['-y', '0102030405'], want: ['-y', '***'] },
    { name: 'ipmitool KG key attached', argv: ['-y0102030405'], want: ['-y***'] },
    { name: 'ipmitool password -P and -k', argv: ['-P', 'admin', '-k', 'key'], want: ['-P', '***', '-k', '***'] },
    { name: 'secret as the last argument with no value', argv: ['scan', '--os-password'], want: ['scan', '--os-password'] },
    { name: 'a whole command line in one element', argv: ['--exec', 'ipmitool -I lanplus -H 10.0.0.5 -y 0102 -P admin sol activate'], want: ['--exec', 'ipmitool -I lanplus -H 10.0.0.5 -y *** -P *** sol activate'] },
    { name: 'password in a URL', argv: ['--os-auth-url', 'https://admin:hunter2@keystone:5000/v3'], want: ['--os-auth-url', 'https://admin:***@keystone:5000/v3'] },
    { name: 'ordinary options untouched', argv: ['scan', '--inventory', 'inv.yaml', '-v', '--format=json', '--host-key-check', 'strict'], want: ['scan', '--inventory', 'inv.yaml', '-v', '--format=json', '--host-key-check', 'strict'] },
  ])('$name', ({ argv, want }) => {
    expect(redactCliArgv(argv)).toEqual(want);
  });

  it('does not change its argument', () => {
    const argv = Object.freeze(['--os-password', 'hunter2']);
    redactCliArgv(argv);
    expect(argv).toEqual(['--os-password', 'hunter2']);
  });
});

describe('redactCommandLine', () => {
  it.each([
    { line: 'socat -L/tmp/a.pid TCP4-LISTEN:10001 EXEC:"ipmitool -H 10.0.0.5 -U admin -y 0a0b -f /tmp/a.pw sol activate"', want: 'socat -L/tmp/a.pid TCP4-LISTEN:10001 EXEC:"ipmitool -H 10.0.0.5 -U admin -y *** -f /tmp/a.pw sol activate"' },
    { line: 'connect to  10.0.0.5:22  failed', want: 'connect to  10.0.0.5:22  failed' },
    { line: '--os-password=hunter2', want: '--os-password=***' },
  ])('$line', ({ line, want }) => {
    expect(redactCommandLine(line)).toBe(want);
  });
});
