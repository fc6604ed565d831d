/**
 * Graphical console containers (issue 14): what `podman|docker ps -a --no-trunc --format
 * CONTAINER_PS_FORMAT` prints, read into ConsoleContainer records. The lines are rendered
 * from real podman 5.8.6 output (test/fixtures/containers, captured in the sid lab root):
 * `.Label "key"` renders a missing label as an empty field (seen on that podman).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONDUCTOR_LABEL, CONSOLE_LABEL, containerParser, CONTAINER_PS_FORMAT, NODE_LABEL } from '../../src/observe/parse-containers.js';
import { parseLines } from '../../src/observe/parse-processes.js';

interface PodmanPs {
  Id: string;
  Names: string[];
  State: string;
  Labels: Record<string, string> | null;
  Ports: Array<{ host_ip: string; container_port: number; host_port: number; protocol: string }> | null;
}

const captured = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/containers/podman-5.8.6-sid-ps-a.json'), 'utf8')) as PodmanPs[];

/** The line podman prints for one container with CONTAINER_PS_FORMAT. */
const rendered = (c: PodmanPs): string =>
  [
    c.Id,
    c.Names[0],
    c.State,
    c.Labels?.[CONSOLE_LABEL] ?? '',
    c.Labels?.[CONDUCTOR_LABEL] ?? '',
    c.Labels?.[NODE_LABEL] ?? '',
    (c.Ports ?? []).map((p) => `${p.host_ip}:${p.host_port}->${p.container_port}/${p.protocol}`).join(', '),
  ].join('\t');

const parse = (text: string, engine: 'podman' | 'docker' = 'podman') => parseLines(containerParser(engine), text);

describe('Ironic console containers from podman ps', () => {
  it('asks for exactly the fields it reads, and never for the environment', () => {
    expect(CONTAINER_PS_FORMAT.split('\t')).toHaveLength(7);
    expect(CONTAINER_PS_FORMAT).not.toMatch(/Env|Config|Mounts/);
  });

  it('keeps the two labelled console containers of the capture, with node, conductor and published port; leaves the unrelated one out', () => {
    const { value, dropped } = parse(captured.map(rendered).join('\n'));
    expect(dropped).toEqual([]);
    expect(value.map((c) => [c.name, c.nodeUuid, c.conductor, c.state, c.labelled])).toEqual([
      ['ironic-console-2f1e6f0c-1111-4a4a-9b9b-000000000001', '2f1e6f0c-1111-4a4a-9b9b-000000000001', 'conductor-a', 'running', true],
      ['ironic-console-2f1e6f0c-2222-4a4a-9b9b-000000000002', '2f1e6f0c-2222-4a4a-9b9b-000000000002', 'conductor-a', 'running', true],
    ]);
    expect(value[0]!.ports).toEqual([{ address: '127.0.0.1', hostPort: 43615, containerPort: 5900 }]);
    expect(value[0]!.id).toBe(captured[0]!.Id);
    expect(value.every((c) => c.engine === 'podman' && c.nameUuid === c.nodeUuid)).toBe(true);
  });

  it('keeps a container named ironic-console-<uuid> whose labels a custom template dropped, with no node label', () => {
    const bare = { ...captured[0]!, Labels: null };
    const [c] = parse(rendered(bare)).value;
    expect(c).toMatchObject({ labelled: false, nodeUuid: null, conductor: null, nameUuid: '2f1e6f0c-1111-4a4a-9b9b-000000000001' });
  });

  it("reads docker's renderings: several published addresses, an unpublished port, an exited container", () => {
    const id = 'a'.repeat(64);
    const line = [id, 'ironic-console-2f1e6f0c-1111-4a4a-9b9b-000000000001', 'exited', 'true', 'conductor-b:8090', '2f1e6f0c-1111-4a4a-9b9b-000000000001', '0.0.0.0:32768->5900/tcp, [::]:32768->5900/tcp, 8080/tcp'].join('\t');
    const [c] = parse(line, 'docker').value;
    expect(c).toMatchObject({ engine: 'docker', state: 'exited', conductor: 'conductor-b:8090' });
    expect(c!.ports).toEqual([
      { address: '0.0.0.0', hostPort: 32768, containerPort: 5900 },
      { address: '::', hostPort: 32768, containerPort: 5900 },
    ]);
  });

  it('drops forged or broken lines, described safely, and never takes a label that is not a UUID as a node', () => {
    const good = rendered(captured[0]!);
    const fields = good.split('\t');
    const lines = [
      fields.slice(0, 6).join('\t'), // a field short
      [...fields, 'extra'].join('\t'), // one too many (a tab in a label)
      ['not-hex', ...fields.slice(1)].join('\t'),
      [fields[0], 'ironic-console-x\u001b[2J', ...fields.slice(2)].join('\t'),
      [...fields.slice(0, 4), 'conductor a; rm -rf /', ...fields.slice(5)].join('\t'),
      [...fields.slice(0, 6), 'garbage->5900/tcp'].join('\t'),
      [...fields.slice(0, 6), '\u001b]0;x\u0007:1->5900/tcp'].join('\t'), // an address that is no address
    ];
    const { value, dropped } = parse(lines.join('\n'));
    expect(value).toEqual([]);
    expect(dropped).toHaveLength(lines.length);
    expect(dropped.join('\n')).not.toMatch(/\u001b/);
    const notUuid = [...fields.slice(0, 5), '../../etc', fields[6]].join('\t');
    expect(parse(notUuid).value[0]).toMatchObject({ nodeUuid: null, labelled: true });
  });
});
