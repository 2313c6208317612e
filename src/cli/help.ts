import { commands, optionSpecs } from './options.js';
import { maxOf } from '../model/arrays.js';

const BARE_PATH = { usage: 'PATH', summary: 'the same as info (the terminal browser is not built yet)' };

export function helpText(version: string): string {
  const usages = [BARE_PATH, ...commands];
  const usageWidth = maxOf(usages.map((command) => command.usage.length)) + 2;
  const optionLabel = (spec: (typeof optionSpecs)[number]): string =>
    `${spec.short ? `${spec.short}, ` : '    '}${spec.long}${spec.value ? ` ${spec.value}` : ''}`;
  const optionWidth = maxOf(optionSpecs.map((spec) => optionLabel(spec).length)) + 2;
  return [
    `snapinspect ${version} — inspect, diff and verify snapshots`,
    '',
    'Usage:',
    ...usages.map((command) => `  snapinspect ${command.usage.padEnd(usageWidth)}${command.summary}`),
    '',
    'Options:',
    ...optionSpecs.map(
      (spec) =>
        `  ${optionLabel(spec).padEnd(optionWidth)}${spec.help}${spec.only ? ` (${spec.only.join(', ')})` : ''}`,
    ),
    '',
    'Addresses: PATH is a file or folder; #SEL picks a child snapshot; :INNER a path inside the snapshot.',
    'Exit status: 0 success / checks passed, 1 checks failed, 2 trouble (bad arguments, unreadable input).',
  ].join('\n');
}
