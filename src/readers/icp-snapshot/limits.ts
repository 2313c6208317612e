import { limitGroup } from '../../model/limits.js';

/** Limits of ICP snapshots: Candid and stable structures. */
export const icpLimits = limitGroup({
  candidDepth: { value: 64, help: 'nesting of Candid types and values; real interfaces nest a few levels' },
  candidTypes: { value: 10_000, help: 'entries in one DIDL type table' },
  candidValues: {
    value: 100_000,
    help: 'values decoded from one DIDL message, so a vector of a million nulls stays cheap',
  },
  valueTextChars: {
    value: 4096,
    help: 'characters of decoded Candid or hex shown for one stored value (cat still gives the raw bytes)',
  },
  stableNodeBytes: {
    value: 16 * 1024 * 1024,
    help: 'one stable-structure node with its overflow pages, or one stored key or value',
  },
  btreeNodes: {
    value: 10_000_000,
    help: 'nodes visited while walking one BTreeMap, so a cycle of child addresses cannot loop forever',
  },
  entriesPerPage: {
    value: 1000,
    help: 'stable-structure entries (map entries, vec elements, log entries) shown per page folder',
  },
});

/** The values in force, read where each limit applies. */
export const limits = icpLimits.values;
