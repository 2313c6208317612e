import { SnapinspectError } from './errors.js';

/** One limit that protects snapinspect from hostile input: its default and why that default is safe. */
export interface LimitSpec {
  value: number;
  help: string;
}

/** The limits one part of snapinspect declares, with the values in force for the current command. */
export interface LimitGroup<Name extends string = string> {
  readonly specs: Readonly<Record<Name, LimitSpec>>;
  readonly values: Record<Name, number>;
}

export function limitGroup<Name extends string>(specs: Record<Name, LimitSpec>): LimitGroup<Name> {
  const values = {} as Record<Name, number>;
  for (const name of Object.keys(specs) as Name[]) values[name] = specs[name].value;
  return { specs, values };
}

/** Every limit of `groups` by name, in declaration order; a name declared twice is a bug. */
export function limitTable(groups: readonly LimitGroup[]): Map<string, { spec: LimitSpec; group: LimitGroup }> {
  const table = new Map<string, { spec: LimitSpec; group: LimitGroup }>();
  for (const group of new Set(groups)) {
    for (const [name, spec] of Object.entries<LimitSpec>(group.specs)) {
      if (table.has(name)) throw new Error(`limit ${name} is declared twice`);
      table.set(name, { spec, group });
    }
  }
  return table;
}

const SUFFIXES: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/**
 * Resets every limit of `groups` to its default, then applies `NAME=VALUE` overrides (VALUE may
 * end in K, M or G). Overrides hold for one command.
 */
export function applyLimitOverrides(groups: readonly LimitGroup[], overrides: readonly string[]): void {
  const table = limitTable(groups);
  for (const [name, { spec, group }] of table) group.values[name] = spec.value;
  for (const override of overrides) {
    const match = /^([A-Za-z0-9]+)=(\d+)([kKmMgG]?)$/.exec(override);
    const name = match?.[1];
    const entry = name === undefined ? undefined : table.get(name);
    if (!match || name === undefined || !entry) {
      throw new SnapinspectError(
        'USAGE',
        `--limit takes NAME=VALUE with NAME one of ${[...table.keys()].join(', ')}; not ${override}`,
      );
    }
    const value = Number(match[2]) * (SUFFIXES[(match[3] ?? '').toLowerCase()] ?? 1);
    if (!Number.isSafeInteger(value) || value < 1)
      throw new SnapinspectError(
        'USAGE',
        `--limit ${name} needs a whole number from 1 up; not ${match[2]}${match[3] ?? ''}`,
      );
    entry.group.values[name] = value;
  }
}
