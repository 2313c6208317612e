import { diffLimits } from '../diff/limits.js';
import { applyLimitOverrides, limitTable, type LimitGroup, type LimitSpec } from '../model/limits.js';
import type { Reader } from '../readers/reader.js';
import { readers as builtinReaders } from '../readers/registry.js';
import { sharedLimits } from '../readers/shared/limits.js';

/** Every limit in force for a set of readers: the shared building blocks', the diff's, then each reader's. */
function groupsOf(readers: readonly Reader[]): LimitGroup[] {
  return [sharedLimits, diffLimits, ...readers.flatMap((reader) => (reader.limits ? [reader.limits] : []))];
}

/** Resets every limit, then applies this command's `--limit NAME=VALUE` overrides. */
export function applyLimits(overrides: readonly string[], readers: readonly Reader[] = builtinReaders): void {
  applyLimitOverrides(groupsOf(readers), overrides);
}

/** Name, default and meaning of every limit, for help and the README's table. */
export function limitRows(
  readers: readonly Reader[] = builtinReaders,
): { name: string; spec: LimitSpec; current: number }[] {
  return [...limitTable(groupsOf(readers))].map(([name, { spec, group }]) => ({
    name,
    spec,
    current: group.values[name] ?? spec.value,
  }));
}
