import { extDriver } from './ext/index.js';
import { fatDriver } from './fat/index.js';
import type { FilesystemDriver } from './types.js';

/** The filesystems looked for in every partition and bare volume, tried in order. */
export const filesystemDrivers: readonly FilesystemDriver[] = [extDriver, fatDriver];
