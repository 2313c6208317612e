import { limitGroup } from '../../model/limits.js';

/** Limits of Cloudify Manager snapshots. */
export const cloudifyLimits = limitGroup({
  redactBytes: {
    value: 64 * 1024 * 1024,
    help: 'a secret-bearing file redacted in memory; larger ones are withheld whole unless --show-secrets',
  },
  managerRecords: { value: 100_000, help: 'entities kept per kind in the Cloudify Manager view' },
});

/** The values in force, read where each limit applies. */
export const limits = cloudifyLimits.values;
