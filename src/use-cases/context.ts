import type { DesiredStateSource } from '../desire/types.js';
import type { Inventory } from '../inventory/types.js';
import type { AuditStore } from '../record/types.js';
import type { Style } from '../report/style.js';
import type { Connector } from '../transport/types.js';

/** Where a command writes: results to stdout, logs and progress to stderr. */
export interface Terminal {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Whether stdin and stderr are a terminal (prompts and live progress). */
  readonly interactive: boolean;
  readonly style: Style;
  readonly confirm: (question: string) => Promise<boolean>;
}

/** What every scan or fix needs, built once by the CLI (the composition root). */
export interface CommandContext {
  readonly inventory: Inventory;
  readonly connector: Connector;
  readonly ironic: DesiredStateSource;
  /** Null with --no-audit. */
  readonly audit: AuditStore | null;
  readonly terminal: Terminal;
  readonly version: string;
  /** The command line, secrets redacted, for the audit trail. */
  readonly argv: readonly string[];
  readonly clientHost: string;
  readonly user: string;
  readonly concurrency: number;
}

export interface ReportFilters {
  readonly hosts: readonly string[];
  readonly nodes: readonly string[];
  readonly conductorGroups: readonly string[];
}

export interface ReportOptions {
  readonly format: 'text' | 'json' | 'junit';
  readonly output: string | undefined;
  readonly metricsFile: string | undefined;
  readonly by: 'host' | 'node';
  readonly quiet: boolean;
  readonly filters: ReportFilters;
}
