/**
 * Reads what the kill script printed (see kill-command.ts), one fact a line. Pure.
 */
export interface KillReport {
  /** Set when nothing was killed: the listener is another process now ("pid-reused 123") or names no console ("unrecognised 123"). */
  readonly skipped?: string;
  /** Pids confirmed gone (ended by this kill, or already gone). */
  readonly gone: number[];
  /** Pids still alive after TERM and KILL. */
  readonly alive: number[];
  /** Targets left alone because their pid now belongs to another process. */
  readonly reused: number[];
  /** Targets left alone because their argv names no console the host can check. */
  readonly refused: number[];
  readonly pidFile?: 'removed' | 'kept' | 'absent' | 'failed';
  /** Whether the script ran to its end (`DONE`). */
  readonly complete: boolean;
}

const PID_LINE = /^(GONE|ALIVE|REUSED|REFUSED) (\d+)$/;
const PID_FILE_STATES = ['removed', 'kept', 'absent', 'failed'] as const;

export function parseKillOutput(text: string): KillReport {
  const gone = new Set<number>();
  const alive = new Set<number>();
  const reused = new Set<number>();
  const refused = new Set<number>();
  let skipped: string | undefined;
  let pidFile: KillReport['pidFile'];
  let complete = false;
  for (const line of text.split('\n').map((l) => l.trim())) {
    const pidLine = PID_LINE.exec(line);
    if (pidLine !== null) {
      const pid = Number(pidLine[2]);
      if (pidLine[1] === 'GONE') gone.add(pid);
      else if (pidLine[1] === 'ALIVE') alive.add(pid);
      else if (pidLine[1] === 'REFUSED') refused.add(pid);
      else reused.add(pid);
    } else if (line.startsWith('SKIP ')) {
      skipped = line.slice('SKIP '.length);
    } else if (line.startsWith('PIDFILE ')) {
      const state = line.slice('PIDFILE '.length);
      pidFile = PID_FILE_STATES.find((s) => s === state);
    } else if (line === 'DONE') {
      complete = true;
    }
  }
  for (const pid of alive) gone.delete(pid);
  return {
    ...(skipped === undefined ? {} : { skipped }),
    gone: [...gone],
    alive: [...alive],
    reused: [...reused],
    refused: [...refused],
    ...(pidFile === undefined ? {} : { pidFile }),
    complete,
  };
}
