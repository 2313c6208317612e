import { limitGroup } from '../../model/limits.js';

/** Limits of CRIU images. */
export const criuLimits = limitGroup({
  criuEntries: { value: 1_000_000, help: 'entries read from one CRIU image file' },
  criuEntryBytes: { value: 64 * 1024 * 1024, help: 'size of one CRIU image entry' },
});

/** The values in force, read where each limit applies. */
export const limits = criuLimits.values;
