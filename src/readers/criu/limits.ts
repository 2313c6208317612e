import { limitGroup } from '../../model/limits.js';

/** Limits of CRIU images. */
export const criuLimits = limitGroup({
  criuEntries: { value: 1_000_000, help: 'entries read from one CRIU image file' },
  criuEntryBytes: { value: 64 * 1024 * 1024, help: 'size of one CRIU image entry' },
  criuRecords: {
    value: 50_000,
    help: 'entries of one CRIU image (and of one pagemap) listed as records; the rest are still counted',
  },
  criuTasks: { value: 32_768, help: "tasks decoded from pstree.img (Linux's default pid_max)" },
  criuThreads: { value: 1_000_000, help: 'thread ids decoded from pstree.img, all tasks together' },
});

/** The values in force, read where each limit applies. */
export const limits = criuLimits.values;
