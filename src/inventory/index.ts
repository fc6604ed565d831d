/** The inventory stage: read the operator's inventory into validated HostSpecs. */
export { loadInventory, expandHome } from './load-inventory.js';
export { parseInventory, type InventoryOptions, type InventoryResult } from './parse-inventory.js';
export { parseDuration } from './duration.js';
export * from './types.js';
