/**
 * The merge's own version: part of every merged file's recorded inputs, so a rigup whose
 * merge writes different bytes from the same inputs makes the files again (free, local).
 */
export const MERGER_VERSION = 1;
