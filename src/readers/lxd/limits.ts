import { limitGroup } from '../../model/limits.js';

/** Limits of LXD exports and dir-pool folders. */
export const lxdLimits = limitGroup({
  lxdYamlKeys: {
    value: 200_000,
    help: 'mapping keys in one LXD YAML file (an instance with 1,000 snapshots of 100 config keys has about 100,000)',
  },
});

/** The values in force, read where each limit applies. */
export const limits = lxdLimits.values;
