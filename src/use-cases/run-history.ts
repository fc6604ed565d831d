import { existsSync } from 'node:fs';
import { ConfigError, assertNever } from '../errors.js';
import { defaultAuditPath } from '../record/default-audit-path.js';
import { loadAuditStore } from '../record/load-audit-store.js';
import { renderHistoryJson, renderNodeTimeline, renderRunDetail, renderRunList } from '../report/history-text.js';
import type { Terminal } from './context.js';

export type HistoryRequest =
  | { readonly kind: 'list'; readonly limit: number }
  | { readonly kind: 'show'; readonly runId: number }
  | { readonly kind: 'node'; readonly node: string }
  | { readonly kind: 'prune'; readonly olderThanMs: number };

/** `console-doctor history`: read (or prune) the audit trail. */
export async function runHistory(
  request: HistoryRequest,
  options: { auditDb?: string; json?: boolean },
  terminal: Terminal,
): Promise<number> {
  const path = options.auditDb ?? defaultAuditPath(process.env);
  if (!existsSync(path)) throw new ConfigError(`audit database ${path}: does not exist (no scan or fix has recorded anything yet)`);
  const store = await loadAuditStore(path);
  try {
    const history = store.history();
    const json = options.json === true;
    switch (request.kind) {
      case 'list': {
        const runs = history.listRuns({ limit: request.limit });
        terminal.out(json ? renderHistoryJson(runs) : renderRunList(runs, terminal.style));
        return 0;
      }
      case 'show': {
        const detail = history.showRun(request.runId);
        if (detail === null) throw new ConfigError(`history show: no run ${request.runId} in ${path}`);
        terminal.out(json ? renderHistoryJson(detail) : renderRunDetail(detail, terminal.style));
        return 0;
      }
      case 'node': {
        const timeline = history.nodeTimeline(request.node);
        terminal.out(json ? renderHistoryJson(timeline) : renderNodeTimeline(timeline, terminal.style));
        return 0;
      }
      case 'prune': {
        const result = history.prune({ olderThanMs: request.olderThanMs, now: new Date() });
        terminal.err(`console-doctor: pruned ${result.runs} runs (${result.findings} findings, ${result.actions} actions, ${result.hostResults} host results)`);
        return 0;
      }
      default:
        return assertNever(request, 'history request');
    }
  } finally {
    store.close();
  }
}
