import { LineCounter, isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import { problemAt } from './problems.js';

/** A path into a YAML document: mapping keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

/**
 * A parsed YAML inventory: its plain value, and the line of any path in it so that
 * problems can point at the line to fix.
 */
export interface YamlInventoryText {
  readonly value: unknown;
  readonly lineOf: (path: YamlPath) => number | undefined;
}

export type YamlParse =
  | { readonly ok: true; readonly document: YamlInventoryText }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Parses YAML, reporting syntax errors and duplicate keys as `SOURCE:LINE: message`.
 * Ansible inventories are read as YAML 1.1, as Ansible (PyYAML) reads them, so that
 * `yes`/`no`/`on`/`off` are booleans there; console-doctor's own format is YAML 1.2.
 */
export function parseYamlText(text: string, source: string, version: '1.1' | '1.2' = '1.2'): YamlParse {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, merge: true, prettyErrors: false, version });
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const message = (error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '');
        return problemAt(`${source}:${lineAt(error.pos[0])}`, `invalid YAML: ${message}`);
      }),
    };
  }
  const problems = duplicateKeys(doc.contents, [], source, lineAt);
  if (problems.length > 0) return { ok: false, problems };
  const lineOf = (path: YamlPath): number | undefined => {
    const node = nodeAt(doc.contents, path);
    return node?.range ? lineAt(node.range[0]) : undefined;
  };
  const value = toPlainValue(doc, source, lineAt);
  if (!value.ok) return value;
  return { ok: true, document: { value: value.value, lineOf } };
}

/** Aliases expanding to more than this many nodes are refused (the "billion laughs"). */
export const MAX_ALIAS_COUNT = 100;

/** The document as plain data; an alias bomb is a problem at the first alias, not a crash. */
function toPlainValue(
  doc: Document,
  source: string,
  lineAt: (offset: number) => number,
): { ok: true; value: unknown } | { ok: false; problems: readonly string[] } {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (error) {
    let line = 1;
    visit(doc, {
      Alias(_key, node) {
        line = node.range ? lineAt(node.range[0]) : line;
        return visit.BREAK;
      },
    });
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, problems: [problemAt(`${source}:${line}`, `aliases expand too much (more than ${MAX_ALIAS_COUNT} nodes): ${reason}`)] };
  }
}

/** `SOURCE:a.b.c`, the prefix of a problem about a YAML path. */
export function yamlWhere(source: string, path: YamlPath): string {
  return path.length === 0 ? source : `${source}:${path.join('.')}`;
}

function keyOf(node: unknown): string | undefined {
  return isScalar(node) ? String(node.value) : undefined;
}

/**
 * The node to point at for a path: a scalar value itself, but the key of a mapping or
 * list value (which starts on the line after its key).
 */
function nodeAt(root: Node | null | undefined, path: YamlPath): Node | undefined {
  let node: Node | null | undefined = root;
  for (const [i, segment] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.filter((item) => keyOf(item.key) === String(segment)).at(-1);
      if (pair === undefined) return undefined;
      const value = pair.value as Node | null;
      const last = i === path.length - 1;
      node = value === null || (last && (isMap(value) || isSeq(value))) ? (pair.key as Node) : value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = (node.items[segment] as Node | undefined) ?? node;
    } else {
      return node ?? undefined;
    }
  }
  return node ?? undefined;
}

function duplicateKeys(
  node: Node | null | undefined,
  path: YamlPath,
  source: string,
  lineAt: (offset: number) => number,
): string[] {
  if (isSeq(node)) {
    return node.items.flatMap((item, i) => duplicateKeys(item as Node, [...path, i], source, lineAt));
  }
  if (!isMap(node)) return [];
  const problems: string[] = [];
  const firstLine = new Map<string, number>();
  for (const pair of node.items) {
    const key = keyOf(pair.key);
    const keyNode = pair.key as Node | null;
    if (key === undefined) continue;
    const line = keyNode?.range ? lineAt(keyNode.range[0]) : 0;
    const first = firstLine.get(key);
    if (first !== undefined) {
      const what = path.at(-1) === 'hosts' ? 'host' : 'key';
      problems.push(problemAt(`${source}:${line}`, `duplicate ${what} "${key}" in ${path.join('.') || 'the top level'} (first at line ${first})`));
    } else {
      firstLine.set(key, line);
    }
    problems.push(...duplicateKeys(pair.value as Node, [...path, key], source, lineAt));
  }
  return problems;
}
