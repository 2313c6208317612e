/** The one table of commands and options: parsing, --help and the README's tables all follow it. */
export const commands = [
  { name: 'info', usage: 'info PATH[#SEL][:ENTRY] [--json]', summary: 'format, metadata, contents, memories, child snapshots, diagnostics; or one entry in detail' },
  { name: 'ls', usage: 'ls PATH[#SEL][:DIR] [-R] [-l] [--json]', summary: 'list entries of the snapshot tree' },
  { name: 'cat', usage: 'cat PATH[#SEL]:FILE [--raw]', summary: 'raw bytes of one entry to stdout' },
  { name: 'verify', usage: 'verify PATH[#SEL] [--json]', summary: 'integrity and upload-readiness checks (exit 1 on problems)' },
] as const;

export type CommandName = (typeof commands)[number]['name'];

export interface OptionSpec {
  long: string;
  short?: string;
  /** Name of the value the option takes, if any. */
  value?: string;
  key: keyof ParsedOptions;
  help: string;
  /** Commands the option applies to; undefined means all. */
  only?: CommandName[];
}

export interface ParsedOptions {
  json: boolean;
  recursive: boolean;
  long: boolean;
  raw: boolean;
  showSecrets: boolean;
  format?: string;
  help: boolean;
  version: boolean;
}

export const optionSpecs: OptionSpec[] = [
  { long: '--json', key: 'json', help: 'machine-readable output (shapes in the README)', only: ['info', 'ls', 'verify'] },
  { long: '--recursive', short: '-R', key: 'recursive', help: 'list the whole subtree', only: ['ls'] },
  { long: '--long', short: '-l', key: 'long', help: 'mode, owner, size, mtime, link target, flags', only: ['ls'] },
  { long: '--raw', key: 'raw', help: 'write bytes unescaped even to a terminal', only: ['cat'] },
  { long: '--format', value: 'ID', key: 'format', help: 'skip detection and read the input as format ID' },
  { long: '--show-secrets', key: 'showSecrets', help: 'show values flagged as secrets instead of redacting them' },
  { long: '--help', short: '-h', key: 'help', help: 'show this help' },
  { long: '--version', short: '-V', key: 'version', help: 'print the version' },
];
