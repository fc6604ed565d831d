import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { ConfigError } from '../errors.js';
import { parseInventory, type InventoryOptions, type InventoryResult } from './parse-inventory.js';
import type { Inventory } from './types.js';

export type { InventoryOptions, InventoryResult } from './parse-inventory.js';

/**
 * Reads an inventory file and parses it (the I/O edge of parseInventory). Identity
 * files written as `~/...` are expanded to the current user's home, as ssh does.
 */
export async function loadInventory(path: string, options: InventoryOptions = {}): Promise<InventoryResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${path}: cannot read inventory: ${readErrorReason(error)}`, { cause: error });
  }
  const result = parseInventory(text, path, options);
  return { ...result, inventory: expandHome(result.inventory, homedir()) };
}

/** `~/x` → `HOME/x` in identity files, without changing the inventory passed in. */
export function expandHome(inventory: Inventory, home: string): Inventory {
  const expand = (file: string): string => (file === '~' ? home : file.startsWith('~/') ? `${home}${file.slice(1)}` : file);
  return { ...inventory, hosts: inventory.hosts.map((host) => ({ ...host, identityFiles: host.identityFiles.map(expand) })) };
}

function readErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
