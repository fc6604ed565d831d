import type { HostScan } from '../observe/types.js';

/** The progress events the core emits while observing (see src/observe). */
export type HostProgressEvent =
  | { readonly type: 'host-start'; readonly host: string }
  | { readonly type: 'host-done'; readonly scan: HostScan };

export interface ScanProgress {
  hostEvent(event: HostProgressEvent): void;
  ironicDone(error: string | undefined, detail: string): void;
  /** Resolves when the display has finished drawing. */
  finish(): Promise<void>;
}

const NO_PROGRESS: ScanProgress = {
  hostEvent: () => undefined,
  ironicDone: () => undefined,
  finish: async () => undefined,
};

/** Above this many hosts one summary line replaces the per-host task list. */
const MAX_HOST_TASKS = 40;

interface Deferred {
  promise: Promise<string>;
  resolve(title: string): void;
  reject(error: Error): void;
}

function defer(): Deferred {
  let resolve!: (title: string) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function describeScan(scan: HostScan): string {
  if (!scan.ok) return scan.error;
  const n = scan.observation.consoles.length;
  return `${scan.host}: ${n} console${n === 1 ? '' : 's'} (${scan.durationMs} ms)`;
}

/**
 * Live per-host progress on stderr with listr2, only when stderr is a terminal.
 * listr2 is imported lazily so that the colour decision is published first.
 */
export async function startScanProgress(hosts: readonly string[], enabled: boolean): Promise<ScanProgress> {
  if (!enabled) return NO_PROGRESS;
  const { Listr, ListrLogger, ProcessOutput } = await import('listr2');
  const ironic = defer();
  const perHost = new Map(hosts.map((h) => [h, defer()] as const));
  const summary = defer();
  let done = 0;
  let failed = 0;
  const many = hosts.length > MAX_HOST_TASKS;

  const hostTasks = many
    ? [{ title: `Observing ${hosts.length} hosts`, task: async (_: unknown, task: { title: string }) => {
        task.title = await summary.promise;
      } }]
    : hosts.map((host) => ({
        title: host,
        task: async (_: unknown, task: { title: string }) => {
          task.title = await (perHost.get(host) as Deferred).promise;
        },
      }));
  const list = new Listr(
    [
      { title: 'Ironic API', task: async (_: unknown, task: { title: string }) => { task.title = await ironic.promise; } },
      ...hostTasks,
    ],
    {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      rendererOptions: {
        collapseErrors: false,
        logger: new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) }),
      },
    },
  );
  const running = list.run().catch(() => undefined);

  return {
    hostEvent(event) {
      if (event.type !== 'host-done') return;
      done += 1;
      if (!event.scan.ok) failed += 1;
      const d = perHost.get(event.scan.host);
      if (d) {
        if (event.scan.ok) d.resolve(describeScan(event.scan));
        else d.reject(new Error(describeScan(event.scan)));
      }
      if (done === hosts.length) summary.resolve(`Observed ${done} hosts, ${failed} unreachable`);
    },
    ironicDone(error, detail) {
      if (error === undefined) ironic.resolve(`Ironic API: ${detail}`);
      else ironic.reject(new Error(`Ironic API: ${error}`));
    },
    async finish() {
      for (const d of perHost.values()) d.reject(new Error('not observed'));
      summary.resolve(`Observed ${done} hosts, ${failed} unreachable`);
      ironic.reject(new Error('Ironic API: not read'));
      await running;
    },
  };
}
