import { describe, expect, it } from 'vitest';
import { redactArgv, redactText } from '../../src/redact-secrets.js';

describe('redactArgv: console argv read off /proc', () => {
  it.each([
    { what: 'separate -P', argv: ['ipmitool', '-H', 'bmc', '-P', 'pw', 'sol', 'activate'], expected: ['ipmitool', '-H', 'bmc', '-P', '***', 'sol', 'activate'] },
    { what: 'separate -y', argv: ['ipmitool', '-y', '0a0b', '-f', '/tmp/x.pw'], expected: ['ipmitool', '-y', '***', '-f', '/tmp/x.pw'] },
    { what: 'separate -k', argv: ['ipmitool', '-k', 'kg', '-E'], expected: ['ipmitool', '-k', '***', '-E'] },
    { what: 'attached -P', argv: ['ipmitool', '-Ppw', '-U', 'admin'], expected: ['ipmitool', '-P***', '-U', 'admin'] },
    { what: 'attached -y', argv: ['ipmitool', '-y0a0b'], expected: ['ipmitool', '-y***'] },
    {
      what: "socat EXEC:\"...\"",
      argv: ['socat', 'TCP4-LISTEN:1', 'EXEC:"ipmitool -H h -y 0a0b -f /t/u.pw sol activate",pty,stderr'],
      expected: ['socat', 'TCP4-LISTEN:1', 'EXEC:"ipmitool -H h -y *** -f /t/u.pw sol activate",pty,stderr'],
    },
    {
      what: "socat EXEC:'...' with an attached password",
      argv: ["EXEC:'ipmitool -H h -Ps3cr3t sol activate',pty"],
      expected: ["EXEC:'ipmitool -H h -P*** sol activate',pty"],
    },
    {
      what: 'shellinaboxd -s service',
      argv: ['shellinaboxd', '-s', '/:0:0:HOME:ipmitool -I lanplus -H h -P pw -k kg sol activate'],
      expected: ['shellinaboxd', '-s', '/:0:0:HOME:ipmitool -I lanplus -H h -P *** -k *** sol activate'],
    },
    { what: 'a quoted value with a space', argv: ["ipmitool -P 'my pw' sol activate"], expected: ['ipmitool -P *** sol activate'] },
    { what: 'a password in the element after -P even if it looks like an option', argv: ['ipmitool', '-P', '-y'], expected: ['ipmitool', '-P', '***'] },
    {
      what: 'nothing secret',
      argv: ['socat', '-T600', '-L/tmp/u.pid', 'TCP4-LISTEN:10000,bind=1.2.3.4', 'EXEC:"ipmitool -L ADMINISTRATOR -U admin -f /tmp/u.pw sol activate"'],
      expected: ['socat', '-T600', '-L/tmp/u.pid', 'TCP4-LISTEN:10000,bind=1.2.3.4', 'EXEC:"ipmitool -L ADMINISTRATOR -U admin -f /tmp/u.pw sol activate"'],
    },
    { what: 'lookalikes that are not options', argv: ['sh', '--kill', 'a-yes', 'x-Pz'], expected: ['sh', '--kill', 'a-yes', 'x-Pz'] },
  ])('hides $what', ({ argv, expected }) => {
    expect(redactArgv(argv)).toEqual(expected);
  });

  it('is idempotent and does not change its argument', () => {
    const argv = Object.freeze(['ipmitool', '-P', 'pw', 'EXEC:"x -y k"']);
    const once = redactArgv(argv);
    expect(redactArgv(once)).toEqual(once);
    expect(argv).toEqual(['ipmitool', '-P', 'pw', 'EXEC:"x -y k"']);
  });
});

describe('redactArgv: command lines and long options', () => {
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
    expect(redactArgv(argv)).toEqual(want);
  });

  it('does not change its argument', () => {
    const argv = Object.freeze(['--os-password', 'hunter2']);
    redactArgv(argv);
    expect(argv).toEqual(['--os-password', 'hunter2']);
  });
});

describe('redactText: a command line kept as one string', () => {
  it.each([
    { line: 'socat -L/tmp/a.pid TCP4-LISTEN:10001 EXEC:"ipmitool -H 10.0.0.5 -U admin -y 0a0b -f /tmp/a.pw sol activate"', want: 'socat -L/tmp/a.pid TCP4-LISTEN:10001 EXEC:"ipmitool -H 10.0.0.5 -U admin -y *** -f /tmp/a.pw sol activate"' },
    { line: 'connect to  10.0.0.5:22  failed', want: 'connect to  10.0.0.5:22  failed' },
    { line: '--os-password=hunter2', want: '--os-password=***' },
  ])('$line', ({ line, want }) => {
    expect(redactText(line)).toBe(want);
  });
});

describe('redactArgv: quoted secrets with spaces (issue 10)', () => {
  it.each([
    { what: "socat EXEC with -P 'Two Words'", arg: `EXEC:"ipmitool -H h -U admin -P 'Two Words-6666' -N 5 sol activate",pty,stderr`, want: 'EXEC:"ipmitool -H h -U admin -P *** -N 5 sol activate",pty,stderr' },
    { what: 'socat EXEC with -P "Two Words"', arg: 'EXEC:"ipmitool -H h -P "Two Words-6666" sol activate",pty', want: 'EXEC:"ipmitool -H h -P *** sol activate",pty' },
    { what: 'socat EXEC with -P \\"Two Words\\"', arg: 'EXEC:"ipmitool -H h -P \\"Two Words-6666\\" sol activate",pty', want: 'EXEC:"ipmitool -H h -P *** sol activate",pty' },
    { what: 'a KG key with an escaped space', arg: 'EXEC:ipmitool -y Two\\ Words-6666 sol activate', want: 'EXEC:ipmitool -y *** sol activate' },
    { what: "Ironic 29.0.5+ shell-quoted EXEC", arg: `EXEC:"'ipmitool -H h -P '\\''Two Words-6666'\\'' sol activate'",pty`, hides: 'Words-6666' },
    { what: 'shellinabox -s with a quoted password', arg: "/:0:0:HOME:ipmitool -H h -P 'Two Words-6666' sol activate", want: '/:0:0:HOME:ipmitool -H h -P *** sol activate' },
    { what: 'an unclosed quote hides to the end', arg: "ipmitool -P 'Two Words-6666 sol activate", want: 'ipmitool -P ***' },
    { what: '--password= inside a command line', arg: 'mysql --password=Hunter-8888 -h db', want: 'mysql --password=*** -h db' },
    { what: '--os-password X inside a command line', arg: 'openstack --os-password Hunter-8888 server list', want: 'openstack --os-password *** server list' },
    { what: 'an environment assignment', arg: 'env OS_PASSWORD=Hunter-8888 openstack', want: 'env OS_PASSWORD=*** openstack' },
    { what: 'URL credentials', arg: 'connection = mysql+pymysql://ironic:Hunter-8888@db/ironic', want: 'connection = mysql+pymysql://ironic:***@db/ironic' },
  ])('hides $what', ({ arg, want, hides }: { arg: string; want?: string; hides?: string }) => {
    const [redacted] = redactArgv([arg]);
    if (want !== undefined) expect(redacted).toBe(want);
    expect(redacted).not.toContain(hides ?? 'Words-6666');
    expect(redacted).not.toContain('Hunter-8888');
    expect(redactArgv([redacted as string])).toEqual([redacted]);
  });

  it('hides a long option\'s separate value: the argv of any process (stale pid file)', () => {
    expect(redactArgv(['sh', '-c', 'sleep 600; :', 'holder', '--password=Hunter-8888'])).toEqual(['sh', '-c', 'sleep 600; :', 'holder', '--password=***']);
    expect(redactArgv(['mysql', '--password', 'Hunter-8888'])).toEqual(['mysql', '--password', '***']);
  });

  it('redactText and redactArgv agree on a joined argv', () => {
    const argv = ['socat', 'EXEC:"ipmitool -P \'Two Words-6666\' sol activate"'];
    expect(redactText(argv.join(' '))).toBe(redactArgv(argv).join(' '));
  });
});

describe('redactArgv: secrets in every EXEC form Ironic has used (21.4 to 39.0)', () => {
  const secrets = { P: "pa ss,w:o'r\"d!", k: 'kg(key)[1]{2}', y: '0123456789abcdef' };
  const cmd = (escape: (s: string) => string) =>
    `ipmitool -I lanplus -H 10.0.0.7 -L ADMINISTRATOR -U admin -y ${escape(secrets.y)} -k ${escape(secrets.k)} -P ${escape(secrets.P)} -E sol activate`;
  const shellQuote = (s: string) => `'${s.replaceAll("'", `'"'"'`)}'`;
  const socatEscape = (s: string) => [...s].map((c) => (',:!\'"()[]{}\\'.includes(c) ? `\\\\\\${c}` : c)).join('');
  it.each([
    { form: 'EXEC:"cmd" (21.4 – 35.0.0)', exec: `EXEC:"${cmd(shellQuote)}",pty,stderr` },
    { form: 'EXEC:"\'cmd\'" (shlex.quote: 26.1.6, 29.0.5+, 32.0.1, 35.0.1, 36–38)', exec: `EXEC:"${shellQuote(cmd(shellQuote))}",pty,stderr` },
    { form: 'EXEC:"c\\\\\\:md" (socat-escaped: 39.0)', exec: `EXEC:"${socatEscape(cmd((s) => s.replaceAll(' ', '')))}",pty,stderr` },
  ])('$form', ({ exec }) => {
    const redacted = redactArgv(['socat', '-T600', '-L/tmp/u.pid', 'TCP4-LISTEN:10001,bind=192.0.2.10,reuseaddr,fork,max-children=1', exec]);
    const text = redacted.join(' ');
    for (const secret of Object.values(secrets)) {
      for (const part of secret.split(/[^A-Za-z0-9]+/).filter((p) => p.length >= 2)) expect(text).not.toContain(part);
    }
    expect(redacted.slice(0, 4)).toEqual(['socat', '-T600', '-L/tmp/u.pid', 'TCP4-LISTEN:10001,bind=192.0.2.10,reuseaddr,fork,max-children=1']);
    expect(redacted[4]).toMatch(/^EXEC:"'?ipmitool -I lanplus -H 10\.0\.0\.7 -L ADMINISTRATOR -U admin -y \*\*\*/);
  });
});
