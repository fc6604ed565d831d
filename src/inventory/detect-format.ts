/**
 * Which kind of inventory a text is, by its content (operators name inventory files
 * `hosts`, `inventory`, `multinode`, ... with no telling extension):
 * JSON starts with `{`; INI has `[group]` section lines; YAML has `key:` lines;
 * anything else (a bare list of host names) is INI, as Ansible reads it.
 */
export type TextFormat = 'json' | 'yaml' | 'ini';

const INI_SECTION = /^\s*\[[^\]\s,:]+(?::\w+)?\]\s*(?:[#;].*)?$/;
const YAML_KEY = /^\s*(?:-\s+)?(?:"[^"]*"|'[^']*'|[^\s#;=:"'[\]{}][^\s=]*?):(?:\s|$)/;

export function detectFormat(text: string): TextFormat {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trimStart().startsWith('{')) return 'json';
  const lines = body.split(/\r?\n/).filter((line) => !/^\s*(?:[#;].*)?$/.test(line));
  if (lines.some((line) => INI_SECTION.test(line))) return 'ini';
  if (lines.some((line) => line.trim() === '---' || YAML_KEY.test(line) || /^\s*-(?:\s|$)/.test(line))) return 'yaml';
  return 'ini';
}

/** True when the text holds nothing but blank lines and comments. */
export function isBlank(text: string): boolean {
  return text.split(/\r?\n/).every((line) => /^\s*(?:[#;].*)?$/.test(line) || line.trim() === '---');
}
