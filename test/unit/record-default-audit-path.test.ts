import { describe, expect, it } from 'vitest';
import { defaultAuditPath } from '../../src/record/default-audit-path.js';

describe('defaultAuditPath', () => {
  it.each([
    { name: 'explicit variable wins', env: { CONSOLE_DOCTOR_AUDIT_DB: '/srv/cd/audit.db', XDG_STATE_HOME: '/x' }, want: '/srv/cd/audit.db' },
    { name: 'XDG state home', env: { XDG_STATE_HOME: '/home/ops/.state' }, want: '/home/ops/.state/console-doctor/audit.db' },
    { name: 'relative XDG state home is ignored', env: { XDG_STATE_HOME: 'state' }, want: '/home/ops/.local/state/console-doctor/audit.db' },
    { name: 'empty values are unset', env: { CONSOLE_DOCTOR_AUDIT_DB: '', XDG_STATE_HOME: '' }, want: '/home/ops/.local/state/console-doctor/audit.db' },
    { name: 'fallback under home', env: {}, want: '/home/ops/.local/state/console-doctor/audit.db' },
  ])('$name', ({ env, want }) => {
    expect(defaultAuditPath(env, '/home/ops')).toBe(want);
  });

  it('takes HOME from the environment', () => {
    expect(defaultAuditPath({ HOME: '/root' })).toBe('/root/.local/state/console-doctor/audit.db');
  });
});
