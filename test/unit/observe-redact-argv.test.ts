import { describe, expect, it } from 'vitest';
import { redactArgv } from '../../src/observe/redact-argv.js';

describe('redactArgv', () => {
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
