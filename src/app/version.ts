/** rigup's version: shown by --version, and part of every cache that depends on rigup's rules. */
export const VERSION = "0.1.0";
