/**
 * What one process's cmdline may send: this many elements, each escaped line cut to this
 * many bytes by the select awk (`substr`, as `cut -b` did; a cut line lacks its closing
 * `$`). A regex cap inside sed (`.\{4096\}`) cost ~6 ms per process: too slow for 20,000.
 * Shared by the probe (which cuts) and the parser (which knows a cut line); a module of its
 * own so that the parsers need not import the probe script.
 */
export const CMDLINE_MAX_ELEMENTS = 64; // also written out in probe-select.ts (the cmdline reads)
export const CMDLINE_MAX_LINE_BYTES = 4096;
