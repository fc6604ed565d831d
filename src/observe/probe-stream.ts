import { StringDecoder } from 'node:string_decoder';
import { InternalError } from '../errors.js';
import {
  briefProcessParser,
  cmdlineParser,
  statParser,
  statusParser,
  type LineParser,
  type Parsed,
  type StatEntry,
  type StatusEntry,
} from './parse-processes.js';
import { containerParser } from './parse-containers.js';
import { fdParser, listenParser, ssParser } from './parse-sockets.js';
import type { ListenerTable } from './listener-table.js';
import { CONTAINER_ENGINES, type ConsoleContainer, type ContainerEngine, type ProcessInfo } from './types.js';

/** What one host's probe output became: the parsed records, and the few small sections as text. */
export interface ProbeRecords {
  /** Probe format from the first header (2: everything whole; 3: brief records for the rest). */
  readonly version: number;
  readonly warnings: readonly string[];
  /** Small sections kept as text (meta, conf, files, pid-contents, netns, passwd, proc-net-tcp*). */
  readonly sections: ReadonlyMap<string, string>;
  readonly stats: Parsed<Map<number, StatEntry>>;
  readonly argvs: Parsed<Map<number, string[]>>;
  readonly statuses: Parsed<Map<number, StatusEntry>>;
  readonly brief: Parsed<ProcessInfo[]>;
  /** From the `listen` section (format 3) or `ss` (format 2); null when neither came. */
  readonly listeners: Parsed<ListenerTable> | null;
  readonly fdOwners: ReadonlyMap<string, number[]>;
  /** Ironic's console containers, from podman's and docker's `ps` (one entry per container id). */
  readonly containers: Parsed<ConsoleContainer[]>;
  /** The engines whose `ps` answered (their section came): only their lists are complete. */
  readonly containerEngines: readonly ContainerEngine[];
  /** Sections seen, in order (a missing one is reported by name). */
  readonly seen: ReadonlySet<string>;
}

const FIRST_LINE = /^@@cd ([A-Za-z0-9]+) probe ([23])@@$/;
const SECTION_NAME = /^[a-z0-9-]+$/;

/**
 * Parses a host's probe output as it arrives (issue 12, "keep less"): chunks are cut into
 * lines, each line goes straight to its section's parser, and only parsed records are
 * kept; the raw text is dropped chunk by chunk. The first header carries the run's nonce
 * and only headers with that nonce open a section, so no argv or file name can forge one.
 * Text before the first header (a login banner) is ignored.
 */
export class ProbeReader {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private nonce: string | null = null;
  private version = 0;
  private marker = '';
  private current: string | null = null;
  private readonly warnings: string[] = [];
  private readonly seen = new Set<string>();
  private readonly texts = new Map<string, string[]>();
  private readonly stat = statParser();
  private readonly cmdline = cmdlineParser();
  private readonly status = statusParser();
  private readonly ps = briefProcessParser();
  private readonly listen = listenParser();
  private readonly ss = ssParser();
  private readonly fd = fdParser();
  private readonly podman = containerParser('podman');
  private readonly docker = containerParser('docker');
  private readonly parsers: ReadonlyMap<string, LineParser<unknown>> = new Map<string, LineParser<unknown>>([
    ['stat', this.stat],
    ['cmdline', this.cmdline],
    ['status', this.status],
    ['ps', this.ps],
    ['listen', this.listen],
    ['ss', this.ss],
    ['fd', this.fd],
    ['containers-podman', this.podman],
    ['containers-docker', this.docker],
  ]);

  constructor(private readonly hostName: string) {}

  /** One chunk of standard output, cut anywhere (even inside a UTF-8 character). */
  push(chunk: Buffer | string): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      this.line(text.slice(start, end));
      start = end + 1;
    }
    // A copy, so the chunk's string is not kept alive by a slice of it.
    this.partial = start === 0 ? text : Buffer.from(text.slice(start), 'utf8').toString('utf8');
  }

  /** The records once the output has ended; throws when it is not the probe's or was cut short. */
  finish(): ProbeRecords {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest !== '') this.line(rest);
    if (this.nonce === null) throw new InternalError(`${this.hostName}: probe output has no header (not the probe's output?)`);
    if (!this.seen.has('end')) throw new InternalError(`${this.hostName}: probe output was cut short (no end marker)`);
    const sections = new Map([...this.texts].map(([name, lines]) => [name, lines.join('\n')] as const));
    const listeners = this.seen.has('listen') ? this.listen.result() : this.seen.has('ss') ? this.ss.result() : null;
    return {
      version: this.version,
      warnings: this.warnings,
      sections,
      stats: this.stat.result(),
      argvs: this.cmdline.result(),
      statuses: this.status.result(),
      brief: this.ps.result(),
      listeners,
      fdOwners: this.fd.result().value,
      containers: mergeContainers(this.podman.result(), this.docker.result()),
      containerEngines: CONTAINER_ENGINES.filter((engine) => this.seen.has(`containers-${engine}`)),
      seen: this.seen,
    };
  }

  private line(line: string): void {
    if (this.nonce === null) {
      const first = FIRST_LINE.exec(line);
      if (first !== null) {
        this.nonce = first[1] as string;
        this.version = Number(first[2]);
        this.marker = `@@cd ${this.nonce} `;
      }
      return;
    }
    if (line.startsWith(this.marker) && line.endsWith('@@')) {
      const name = line.slice(this.marker.length, -2);
      if (SECTION_NAME.test(name)) {
        this.current = name;
        this.seen.add(name);
        return;
      }
    }
    const name = this.current;
    if (name === null || line === '') return;
    if (name === 'warning') {
      if (line.trim() !== '') this.warnings.push(copy(line));
      return;
    }
    const parser = this.parsers.get(name);
    if (parser !== undefined) {
      parser.line(line);
      return;
    }
    const lines = this.texts.get(name);
    if (lines === undefined) this.texts.set(name, [copy(line)]);
    else lines.push(copy(line));
  }
}

/** podman's and docker's lists, one entry per id: `docker` may be podman's shim (podman-docker). */
function mergeContainers(podman: Parsed<ConsoleContainer[]>, docker: Parsed<ConsoleContainer[]>): Parsed<ConsoleContainer[]> {
  const ids = new Set(podman.value.map((c) => c.id));
  return { value: [...podman.value, ...docker.value.filter((c) => !ids.has(c.id))], dropped: [...podman.dropped, ...docker.dropped] };
}

/** A flat copy: a slice would keep the whole chunk it came from alive. */
function copy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
