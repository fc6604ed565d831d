import { ConfigError, assertNever } from '../errors.js';
import { parseAnsibleIni } from './ansible-ini.js';
import { resolveAnsibleInventory } from './ansible-inventory.js';
import { parseAnsibleJson } from './ansible-json.js';
import { looksLikeAnsibleYaml, parseAnsibleYaml } from './ansible-yaml.js';
import { detectFormat, isBlank } from './detect-format.js';
import { parseOwnFormat } from './own-format.js';
import { describeValue, isMapping, problemAt, throwIfProblems } from './problems.js';
import type { Inventory } from './types.js';
import { parseYamlText } from './yaml-document.js';

export interface InventoryOptions {
  /** The Ansible group to check (default: ironic-conductor, else ironic_conductor, else all). */
  readonly group?: string | undefined;
}

export interface InventoryResult {
  readonly inventory: Inventory;
  /** What was chosen on the operator's behalf, e.g. "using group ironic_conductor (3 hosts)". */
  readonly notes: string[];
}

/**
 * Reads an inventory of any supported format from its text, pure. `source` names it
 * in problems. Throws one ConfigError listing every problem found.
 */
export function parseInventory(text: string, source: string, options: InventoryOptions = {}): InventoryResult {
  if (isBlank(text)) throw new ConfigError(problemAt(source, 'empty inventory: no hosts'));
  const binary = binaryProblem(text, source);
  if (binary !== null) throw new ConfigError(binary);
  const format = detectFormat(text);
  switch (format) {
    case 'json': {
      const value = parseJson(text, source);
      const { model, problems } = parseAnsibleJson(value, source);
      return finish(resolveAnsibleInventory(model, source, 'ansible-json', options.group, problems.length > 0), problems);
    }
    case 'ini': {
      const { model, problems } = parseAnsibleIni(text, source);
      return finish(resolveAnsibleInventory(model, source, 'ansible-ini', options.group, problems.length > 0), problems);
    }
    case 'yaml': {
      const parsed = parseYamlText(text, source);
      if (!parsed.ok) throw new ConfigError(parsed.problems);
      const value = parsed.document.value;
      if (!isMapping(value)) {
        throw new ConfigError(problemAt(source, `must be a mapping (console-doctor's own format or an Ansible inventory), got ${describeValue(value)}`));
      }
      if (looksLikeAnsibleYaml(value)) {
        const asAnsible = parseYamlText(text, source, '1.1');
        if (!asAnsible.ok) throw new ConfigError(asAnsible.problems);
        const { model, problems } = parseAnsibleYaml(asAnsible.document, source);
        return finish(resolveAnsibleInventory(model, source, 'ansible-yaml', options.group, problems.length > 0), problems);
      }
      const own = parseOwnFormat(parsed.document, source);
      const groupProblem =
        options.group === undefined
          ? []
          : [problemAt(source, `--group ${options.group}: this console-doctor inventory has no groups (--group applies to Ansible inventories)`)];
      throwIfProblems([...own.problems, ...groupProblem]);
      const count = own.inventory.hosts.length;
      return { inventory: own.inventory, notes: [`using all ${count === 1 ? '1 host' : `${count} hosts`} of ${source}`] };
    }
    default:
      return assertNever(format, 'inventory format');
  }
}

function finish(
  resolved: { inventory: Inventory; notes: readonly string[]; problems: readonly string[] },
  parseProblems: readonly string[],
): InventoryResult {
  throwIfProblems([...parseProblems, ...resolved.problems]);
  return { inventory: resolved.inventory, notes: [...resolved.notes] };
}

/** NUL, other control characters or bytes that are not UTF-8: a binary file, named once instead of echoed. */
function binaryProblem(text: string, source: string): string | null {
  const at = text.search(/[\x00-\x08\x0e-\x1f\x7f\ufffd]/);
  if (at < 0) return null;
  const line = text.slice(0, at).split('\n').length;
  return problemAt(`${source}:${line}`, 'not a text file: binary data or bytes that are not UTF-8; expected a YAML, INI or JSON inventory');
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message)?.[1];
    const line = position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length;
    const where = line === undefined ? source : `${source}:${line}`;
    throw new ConfigError(problemAt(where, `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`), { cause: error });
  }
}
