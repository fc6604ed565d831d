/**
 * Ironic wraps errors as `{"error_message": "<JSON string>"}` whose inner JSON holds
 * `faultstring`; keystone and keystonemiddleware answer `{"error": {"message": ...}}`;
 * proxies answer HTML. This pulls one readable line out of any of them. Pure.
 */
export function extractErrorMessage(body: string): string | undefined {
  const parsed = tryJson(body);
  if (parsed === undefined) {
    const text = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    return text === '' ? undefined : clip(text);
  }
  const found = findMessage(parsed, 0);
  return found === undefined ? undefined : clip(found.replace(/\s+/g, ' ').trim());
}

function findMessage(value: unknown, depth: number): string | undefined {
  if (depth > 3) return undefined;
  if (typeof value === 'string') {
    const inner = tryJson(value);
    return inner !== undefined && typeof inner === 'object' ? findMessage(inner, depth + 1) ?? value : value;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  for (const key of ['faultstring', 'error_message', 'message', 'error', 'title']) {
    if (record[key] !== undefined) {
      const found = findMessage(record[key], depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

export function tryJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
