import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_POLICY } from '../plan/plan-fixes.js';
import { runFix } from '../use-cases/run-fix.js';
import { runScan } from '../use-cases/run-scan.js';
import { runHistory } from '../use-cases/run-history.js';
import { runInventory } from '../use-cases/run-inventory.js';
import { buildContext, buildTerminal, loadHosts, buildConnectorFor, withFixLock } from './build-context.js';
import { EXIT } from './exit-codes.js';
import { ageOption, collect, runNumber, durationOption, nonNegativeInt, positiveInt, type FleetCliOptions } from './options.js';
import { VERSION } from './version.js';

function addFleetOptions(command: Command): Command {
  return command
    .requiredOption('-i, --inventory <file>', 'inventory: console-doctor YAML, Ansible YAML/INI, or ansible-inventory --list JSON', process.env.CONSOLE_DOCTOR_INVENTORY)
    .option('--group <name>', 'inventory group of conductor hosts (default: ironic-conductor, else ironic_conductor, else all)')
    .option('--os-cloud <name>', 'cloud in clouds.yaml (default: $OS_CLOUD)')
    .option('--endpoint <url>', 'Ironic API endpoint, overriding the catalog')
    .option('--host <name>', 'only report and fix findings on these hosts (repeatable, comma-separated)', collect)
    .option('--node <uuid-or-name>', 'only report and fix findings for these nodes', collect)
    .option('--conductor-group <group>', 'only nodes in these conductor groups', collect)
    .option('--concurrency <n>', 'hosts observed at once (default 32)', positiveInt)
    .addOption(new Option('--known-hosts <mode>', 'host key checking (default strict)').choices(['strict', 'accept-new', 'off']))
    .option('--known-hosts-file <file>', 'extra known_hosts file, read before ~/.ssh/known_hosts (repeatable)', collect)
    .option('--connect-timeout <duration>', 'SSH connect timeout (default 10s)', durationOption)
    .option('--command-timeout <duration>', 'remote command timeout (default 30s)', durationOption)
    .option('--api-timeout <duration>', 'Ironic request timeout (default 30s)', durationOption)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'junit']).default('text'))
    .option('-o, --output <file>', 'write the report to a file (atomically) instead of stdout')
    .option('--metrics-file <file>', 'write a Prometheus textfile (atomically)')
    .addOption(new Option('--by <grouping>', 'group the text table by host or node').choices(['host', 'node']).default('host'))
    .option('-q, --quiet', 'print nothing when clean')
    .option('--audit-db <file>', 'audit database (default $CONSOLE_DOCTOR_AUDIT_DB, else $XDG_STATE_HOME/console-doctor/audit.db)')
    .option('--no-audit', 'do not write the audit trail');
}

function reportOptions(o: FleetCliOptions) {
  return {
    format: o.format,
    output: o.output,
    metricsFile: o.metricsFile,
    by: o.by,
    quiet: o.quiet ?? false,
    filters: { hosts: o.host ?? [], nodes: o.node ?? [], conductorGroups: o.conductorGroup ?? [] },
  };
}

/** The commander program; `run` resolves to the exit code. */
export function buildProgram(): { run(argv: readonly string[]): Promise<number> } {
  let exitCode: number = EXIT.clean;
  const program = new Command('console-doctor')
    .description('Find and fix stray Ironic serial-console daemons (socat, shellinaboxd) on conductor hosts')
    .version(VERSION, '-V, --version')
    .option('--debug', 'show stack traces for errors')
    .option('--color', 'force colour')
    .option('--no-color', 'no colour (also NO_COLOR)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  addFleetOptions(
    program.command('scan').description('observe every conductor host and compare with Ironic; exit 0 clean, 1 warnings, 2 critical, 3 unknown'),
  )
    .option('--wait-clean <duration>', 're-scan until clean or this much time has passed (CI after a rollout)', durationOption)
    .option('--interval <duration>', 'time between scans with --wait-clean (default 15s)', durationOption)
    .action(async (o: FleetCliOptions & { waitClean?: number; interval?: number }, cmd: Command) => {
      const ctx = await buildContext(o, cmd);
      try {
        exitCode = await runScan(ctx, { ...reportOptions(o), waitCleanMs: o.waitClean, intervalMs: o.interval ?? 15_000 });
      } finally {
        ctx.audit?.close();
      }
    });

  addFleetOptions(program.command('fix').description('scan, plan, confirm and repair; exit 0 only when the final scan is clean'))
    .option('-y, --yes', 'apply without asking (needed when not on a terminal)')
    .option('-n, --dry-run', 'show the plan and change nothing')
    .option('--plan <file>', 'apply a saved plan after a fresh scan confirms each action')
    .option('--plan-out <file>', 'save the plan as JSON')
    .option('--force', 'allow a plan that kills an implausible share of the consoles seen')
    .option('--max-kills <n>', 'refuse a plan with more kills than this', nonNegativeInt)
    .option('--restart-timeout <duration>', 'how long to wait for a restarted console (default 120s)', durationOption)
    .action(async (o: FleetCliOptions & { yes?: boolean; dryRun?: boolean; plan?: string; planOut?: string; force?: boolean; maxKills?: number; restartTimeout?: number }, cmd: Command) => {
      const ctx = await buildContext(o, cmd);
      try {
        const options = {
          ...reportOptions(o),
          yes: o.yes ?? false,
          dryRun: o.dryRun ?? false,
          planIn: o.plan,
          planOut: o.planOut,
          restartTimeoutMs: o.restartTimeout ?? 120_000,
          policy: { ...DEFAULT_POLICY, force: o.force ?? false, maxKills: o.maxKills },
        };
        exitCode = options.dryRun ? await runFix(ctx, options) : await withFixLock(o, () => runFix(ctx, options));
      } finally {
        ctx.audit?.close();
      }
    });

  program
    .command('inventory')
    .description('print the hosts an inventory resolves to; --connect logs into each and checks sudo, container and ironic.conf')
    .requiredOption('-i, --inventory <file>', 'inventory file', process.env.CONSOLE_DOCTOR_INVENTORY)
    .option('--group <name>', 'inventory group of conductor hosts')
    .option('--connect', 'log into each host and check what works')
    .option('--json', 'JSON output')
    .option('--concurrency <n>', 'hosts checked at once (default 32)', positiveInt)
    .addOption(new Option('--known-hosts <mode>', 'host key checking (default strict)').choices(['strict', 'accept-new', 'off']))
    .option('--known-hosts-file <file>', 'extra known_hosts file (repeatable)', collect)
    .option('--connect-timeout <duration>', 'SSH connect timeout (default 10s)', durationOption)
    .option('--command-timeout <duration>', 'remote command timeout (default 30s)', durationOption)
    .action(async (o: FleetCliOptions & { connect?: boolean; json?: boolean }, cmd: Command) => {
      const terminal = buildTerminal(cmd);
      const { inventory, notes } = await loadHosts(o);
      const connector = buildConnectorFor(inventory, terminal);
      exitCode = await runInventory(inventory, notes, connector, inventory.ssh.concurrency, terminal, {
        connect: o.connect ?? false,
        json: o.json ?? false,
      });
    });

  const history = program
    .command('history')
    .description('runs recorded in the audit trail')
    .option('--audit-db <file>', 'audit database')
    .option('--json', 'JSON output')
    .option('--limit <n>', 'how many runs (default 20)', positiveInt)
    .action(async (o: { auditDb?: string; json?: boolean; limit?: number }, cmd: Command) => {
      exitCode = await runHistory({ kind: 'list', limit: o.limit ?? 20 }, o, buildTerminal(cmd));
    });
  history
    .command('show <run>')
    .description('one run: hosts, findings, actions (interrupted ones marked)')
    .option('--json', 'JSON output')
    .action(async (run: string, o: { json?: boolean }, cmd: Command) => {
      const id = runNumber(run);
      exitCode = await runHistory({ kind: 'show', runId: id }, { ...history.opts(), ...o }, buildTerminal(cmd));
    });
  history
    .command('node <uuid-or-name>')
    .description("one node's findings and actions across runs")
    .option('--json', 'JSON output')
    .action(async (node: string, o: { json?: boolean }, cmd: Command) => {
      exitCode = await runHistory({ kind: 'node', node }, { ...history.opts(), ...o }, buildTerminal(cmd));
    });
  history
    .command('prune')
    .description('delete runs older than a duration')
    .requiredOption('--older-than <duration>', 'e.g. 90d', ageOption)
    .action(async (o: { olderThan: number }, cmd: Command) => {
      exitCode = await runHistory({ kind: 'prune', olderThanMs: o.olderThan }, history.opts(), buildTerminal(cmd));
    });

  return {
    async run(argv) {
      try {
        await program.parseAsync(argv as string[]);
      } catch (error) {
        if (error instanceof CommanderError) {
          if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.clean;
          return EXIT.unknown;
        }
        throw error;
      }
      return exitCode;
    },
  };
}
