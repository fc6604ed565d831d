// A second console-doctor process for the audit trail tests (see record-child.ts).
// Usage: node record-child.mjs <dist-dir> <mode> <db-path> [args]
const [compiled, mode, dbPath, ...args] = process.argv.slice(2);
const { openAuditStore } = await import(`${compiled}/record/sqlite-audit-store.js`);
const { acquireFixLock } = await import(`${compiled}/record/fix-lock.js`);
const say = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const NODE = '5a2f1c2e-8d7b-4c1e-9b8e-0f3a6e1d2c4b';

switch (mode) {
  // A fix that records an intent and dies by SIGKILL before its outcome, like an OOM kill.
  case 'crash-mid-fix': {
    const store = openAuditStore(dbPath);
    const runId = store.startRun({
      command: 'fix', argv: ['fix', '--yes', '--os-password', 'hunter2'], user: 'ops', clientHost: args[0],
      version: '0.1.0', startedAt: new Date().toISOString(),
    });
    const kill = { kind: 'kill', id: `kill:conductor-b:${NODE}`, host: 'conductor-b', nodeUuid: NODE, processes: [], pidFile: null, findingId: 'f', findingKind: 'wrong-host' };
    const first = store.recordIntent(runId, kill);
    store.recordOutcome(first, { actionId: kill.id, status: 'done', detail: 'killed 4242', killed: [4242], durationMs: 5 });
    store.recordIntent(runId, { ...kill, id: `kill:conductor-c:${NODE}`, host: 'conductor-c' });
    say({ runId });
    process.kill(process.pid, 'SIGKILL');
    break;
  }
  // Holds the fix lock until stdin closes or SIGTERM.
  case 'hold-lock': {
    const lock = acquireFixLock(dbPath);
    say({ pid: process.pid, tookOverFrom: lock.tookOverFrom });
    const done = () => { lock.release(); process.exit(0); };
    process.on('SIGTERM', done);
    process.stdin.on('end', done);
    process.stdin.resume();
    break;
  }
  // Waits until the given instant, tries the lock once, holds it for a while if taken.
  case 'race-lock': {
    const [startAt, holdMs] = args.map(Number);
    while (Date.now() < startAt) { /* line up with the other racers */ }
    try {
      const lock = acquireFixLock(dbPath);
      say({ ok: true, pid: process.pid });
      setTimeout(() => { lock.release(); process.exit(0); }, holdMs);
    } catch (error) {
      say({ ok: false, pid: process.pid, kind: error.kind, message: error.message });
      process.exit(0);
    }
    break;
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}
