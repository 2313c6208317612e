import { limitGroup } from '../../model/limits.js';

/** Limits of Cloudify Manager snapshots. */
export const cloudifyLimits = limitGroup({
  managerRecords: { value: 100_000, help: 'entities kept per kind in the Cloudify Manager view' },
});

/** The values in force, read where each limit applies. */
export const limits = cloudifyLimits.values;
