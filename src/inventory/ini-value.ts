/**
 * A value from an Ansible INI inventory as Ansible reads it (`ast.literal_eval`, else
 * the text): quoted strings lose their quotes, integers and True/False/None become
 * numbers, booleans and null, anything else stays text.
 */
export function parseIniValue(text: string): unknown {
  const value = text.trim();
  const quoted = /^(['"])(.*)\1$/s.exec(value);
  if (quoted !== null) return unescape(quoted[2] ?? '');
  if (/^[-+]?\d+$/.test(value)) return Number(value);
  if (/^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$/.test(value)) return Number(value);
  if (value === 'True') return true;
  if (value === 'False') return false;
  if (value === 'None') return null;
  return value;
}

function unescape(text: string): string {
  return text.replace(/\\(["'\\nt])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}
