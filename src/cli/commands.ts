/** What a command's operands are, so shell completion offers the right words. */
export type OperandKind = 'paths' | 'commands' | 'shells';

const TROUBLE: ExitCode = [2, 'trouble: bad arguments or unreadable input'];

type ExitCode = readonly [code: number, meaning: string];

/**
 * The one table of commands: parsing, --help, per-command help, the man page, shell completion and
 * the README's tables all follow it (with the option table of options.ts).
 */
export const commands = [
  {
    name: 'info',
    usage: 'info PATH[#SEL][:ENTRY] [--json]',
    summary: 'format, metadata, contents, memories, child snapshots, diagnostics; or one entry in detail',
    about:
      'Shows what a snapshot is: its format, title, metadata, contents, memories, child snapshots and ' +
      'diagnostics. With :ENTRY it describes one entry of the snapshot tree in detail instead.',
    operands: 'paths',
    exits: [[0, 'printed'], TROUBLE],
    examples: [
      'snapinspect info fixtures/icp/icp-cli-snapshot',
      'snapinspect info image.tar#layer:2 --json',
      'snapinspect info snap:wasm_module.bin',
    ],
  },
  {
    name: 'ls',
    usage: 'ls PATH[#SEL][:DIR] [-R] [-l] [--json]',
    summary: 'list entries of the snapshot tree',
    about:
      'Lists the entries of one folder of the snapshot tree, the root unless :DIR names another. ' +
      '-R lists the whole subtree with full paths, -l adds mode, owner, size and mtime.',
    operands: 'paths',
    exits: [[0, 'listed'], TROUBLE],
    examples: [
      'snapinspect ls -lR fixtures/icp/icp-cli-snapshot',
      'snapinspect ls image.tar#merged:etc',
      'snapinspect ls --json web1.tar.gz#before-upgrade:var/lib',
    ],
  },
  {
    name: 'cat',
    usage: 'cat PATH[#SEL]:FILE [--raw]',
    summary: 'raw bytes of one entry to stdout',
    about:
      'Writes the bytes of one file or memory of the snapshot to stdout. On a terminal control ' +
      'characters are escaped unless --raw is given.',
    operands: 'paths',
    exits: [
      [0, 'wrote the whole entry'],
      [1, 'the input cuts the entry short, or some bytes were unreadable (written as zeros)'],
      TROUBLE,
    ],
    examples: [
      'snapinspect cat fixtures/icp/icp-cli-snapshot:metadata.json',
      'snapinspect cat image.tar#layer:2:etc/os-release',
      'snapinspect cat --raw snap:wasm_memory.bin > memory.bin',
    ],
  },
  {
    name: 'verify',
    usage: 'verify PATH[#SEL] [--json]',
    summary: 'integrity and upload-readiness checks (exit 1 on problems)',
    about:
      'Checks that a snapshot is complete and consistent, and for ICP snapshots that it can be ' +
      'uploaded: every finding is printed with its severity and code.',
    operands: 'paths',
    exits: [[0, 'all checks passed'], [1, 'problems found'], TROUBLE],
    examples: [
      'snapinspect verify fixtures/icp/broken-snapshot',
      'snapinspect verify --json instance-dir#@s2',
      'snapinspect verify web1.tar.gz#before-upgrade',
    ],
  },
  {
    name: 'diff',
    usage: 'diff A B [--json] [--only LIST] [--ignore-mtime] [--exclude GLOB] [--text-diff]',
    summary: 'what changed from snapshot A to B: files, memory pages, metadata (exit 1 when different)',
    about:
      'Compares two snapshots of any formats: files, memory pages and metadata. On a terminal ' +
      '(without --json or --text-diff) it opens the diff view of the terminal UI.',
    operands: 'paths',
    exits: [[0, 'the snapshots are the same'], [1, 'the snapshots differ'], TROUBLE],
    examples: [
      'snapinspect diff fixtures/icp/dfx-snapshot fixtures/icp/icp-cli-snapshot',
      'snapinspect diff image.tar#layer:1 image.tar#layer:2 --only files',
      'snapinspect diff a.tar:etc b.tar:etc --text-diff --exclude "*.log"',
    ],
  },
  {
    name: 'hash',
    usage: 'hash PATH[#SEL] [-o FILE]',
    summary: 'page-hash manifest of a snapshot, which diff accepts as either side',
    about:
      'Writes a manifest of a snapshot: metadata, every entry with its sha256 and memory page hashes. ' +
      'diff accepts the manifest as either side, so a snapshot can be compared after it is gone.',
    operands: 'paths',
    exits: [[0, 'the manifest was written'], TROUBLE],
    examples: [
      'snapinspect hash fixtures/icp/icp-cli-snapshot -o before.json',
      'snapinspect diff before.json fixtures/icp/icp-cli-snapshot',
      'snapinspect hash image.tar#merged > image.json',
    ],
  },
  {
    name: 'help',
    usage: 'help [COMMAND]',
    summary: 'this overview, or the help of one command',
    about: 'Prints the overview of all commands, or with COMMAND the usage, options, exit status and examples of it.',
    operands: 'commands',
    exits: [
      [0, 'printed'],
      [2, 'no such command'],
    ],
    examples: ['snapinspect help', 'snapinspect help diff', 'snapinspect diff --help'],
  },
  {
    name: 'completion',
    usage: 'completion bash|zsh|fish',
    summary: 'a shell completion script for commands, options and paths',
    about:
      'Prints a completion script for the given shell, offering commands, the options of each command ' +
      'and file names. The README shows where to install it.',
    operands: 'shells',
    exits: [
      [0, 'printed'],
      [2, 'no such shell'],
    ],
    examples: [
      'source <(snapinspect completion bash)',
      'snapinspect completion zsh > ~/.zfunc/_snapinspect',
      'snapinspect completion fish > ~/.config/fish/completions/snapinspect.fish',
    ],
  },
] as const satisfies readonly CommandSpec[];

export interface CommandSpec {
  name: string;
  usage: string;
  /** One line for the overview. */
  summary: string;
  /** One or two sentences for the command's own help. */
  about: string;
  operands: OperandKind;
  exits: readonly ExitCode[];
  examples: readonly string[];
}

export type CommandName = (typeof commands)[number]['name'];

export const commandNames: readonly CommandName[] = commands.map((command) => command.name);

export function isCommandName(word: string): word is CommandName {
  return (commandNames as readonly string[]).includes(word);
}

export function commandSpec(name: CommandName): CommandSpec {
  return commands.find((command) => command.name === name) ?? commands[0];
}

/** The bare form: `cli.ts` opens the terminal UI when stdin and stdout are terminals. */
export const BARE_PATH = {
  usage: 'PATH[#SEL][:DIR]',
  summary: 'on a terminal: browse it in the terminal UI; otherwise the same as info',
};

/** The shells `completion` writes scripts for. */
export const shells = ['bash', 'zsh', 'fish'] as const;

export type Shell = (typeof shells)[number];
