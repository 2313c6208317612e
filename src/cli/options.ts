import type { CommandName } from './commands.js';

/** What shell completion offers as the value of an option. */
export type ValueKind = 'file' | 'format' | 'section';

export interface OptionSpec {
  long: string;
  short?: string;
  /** Name of the value the option takes, if any. */
  value?: string;
  /** Given several times, the values accumulate. */
  repeatable?: boolean;
  key: keyof ParsedOptions;
  help: string;
  /** Commands the option applies to; undefined means all. */
  only?: CommandName[];
  /** What applies when the option is not given, for options that take a value. */
  defaultText?: string;
  /** What completion offers for the value. */
  valueKind?: ValueKind;
  /** Shown only in the overview, not in each command's help. */
  topLevel?: boolean;
}

export interface ParsedOptions {
  json: boolean;
  recursive: boolean;
  long: boolean;
  raw: boolean;
  showSecrets: boolean;
  ignoreMtime: boolean;
  dirMtimes: boolean;
  textDiff: boolean;
  exclude: string[];
  limit: string[];
  only?: string;
  output?: string;
  format?: string;
  help: boolean;
  version: boolean;
}

/**
 * The one table of options: parsing, the overview and each command's help, the man page, the
 * completion scripts and the README's option table all follow it (commands are in commands.ts).
 */
export const optionSpecs: OptionSpec[] = [
  {
    long: '--json',
    key: 'json',
    help: 'machine-readable output (shapes in the README)',
    only: ['info', 'ls', 'verify', 'diff'],
  },
  { long: '--recursive', short: '-R', key: 'recursive', help: 'list the whole subtree', only: ['ls'] },
  { long: '--long', short: '-l', key: 'long', help: 'mode, owner, size, mtime, link target, flags', only: ['ls'] },
  { long: '--raw', key: 'raw', help: 'write bytes unescaped even to a terminal', only: ['cat'] },
  {
    long: '--only',
    value: 'LIST',
    key: 'only',
    help: 'comma-separated sections to compare: files, memory, metadata',
    only: ['diff'],
    defaultText: 'files,memory,metadata',
    valueKind: 'section',
  },
  { long: '--ignore-mtime', key: 'ignoreMtime', help: 'modification times alone do not make a change', only: ['diff'] },
  {
    long: '--dir-mtimes',
    key: 'dirMtimes',
    help: 'also report directories whose only change is their mtime',
    only: ['diff'],
  },
  {
    long: '--exclude',
    value: 'GLOB',
    repeatable: true,
    key: 'exclude',
    help: 'leave out matching paths (repeatable; * within a name, ** across folders)',
    only: ['diff'],
  },
  {
    long: '--text-diff',
    key: 'textDiff',
    help: 'show a unified diff of changed text files up to 1 MiB',
    only: ['diff'],
  },
  {
    long: '--output',
    short: '-o',
    value: 'FILE',
    key: 'output',
    help: 'write the manifest to FILE instead of stdout',
    only: ['hash'],
    defaultText: 'stdout',
    valueKind: 'file',
  },
  {
    long: '--limit',
    value: 'NAME=VALUE',
    repeatable: true,
    key: 'limit',
    help: 'raise (or lower) one safety limit, e.g. archiveEntries=5000000 or metadataBytes=64M (repeatable; names in the README)',
  },
  {
    long: '--format',
    value: 'ID',
    key: 'format',
    help: 'skip detection and read the input as format ID',
    defaultText: 'detected from content',
    valueKind: 'format',
  },
  { long: '--show-secrets', key: 'showSecrets', help: 'show values flagged as secrets instead of redacting them' },
  { long: '--help', short: '-h', key: 'help', help: 'show help; after a command, the help of that command' },
  { long: '--version', short: '-V', key: 'version', help: 'print the version', topLevel: true },
];
