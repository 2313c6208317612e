/** One fuzz case: every command on a mutated input, checked against the invariants of any input. */
import { cli, type CliResult } from '../helpers/run-cli.js';
import { fingerprint, fingerprintChanges, outputProblems } from '../helpers/invariants.js';

export interface CaseRequest {
  id: number;
  original: string;
  mutated: string;
  /** Folders whose contents no command may change (the inputs and their parents). */
  watch: string[];
}

/** Sent by the worker as each command starts, so the harness's deadline is per command. */
export interface CommandStarted {
  id: number;
  started: string;
}

export interface CaseReply {
  id: number;
  problems: string[];
  exits: number[];
  /** Peak resident memory of this worker so far, in MiB. */
  peakRssMib: number;
}

const MAX_CHILDREN = 2;
const MAX_CATS = 3;

function commandsFor(original: string, mutated: string): string[][] {
  return [
    ['info', mutated],
    ['info', '--json', mutated],
    ['ls', '-R', '-l', mutated],
    ['ls', '--json', '-R', mutated],
    ['verify', '--json', mutated],
    ['diff', original, mutated],
    ['diff', '--json', original, mutated],
  ];
}

function parsed<T>(result: CliResult | undefined): T | undefined {
  if (result?.code !== 0) return undefined;
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    return undefined;
  }
}

/** Child snapshots and file contents are read lazily, so they get commands of their own. */
function followUps(mutated: string, info: CliResult | undefined, listing: CliResult | undefined): string[][] {
  const more: string[][] = [];
  for (const { selector } of (parsed<{ children?: { selector: string }[] }>(info)?.children ?? []).slice(
    0,
    MAX_CHILDREN,
  )) {
    more.push(['ls', '-R', '-l', `${mutated}#${selector}`], ['info', `${mutated}#${selector}`]);
  }
  const entries = parsed<{ path: string; kind: string }[]>(listing) ?? [];
  for (const { path } of entries.filter((entry) => entry.kind === 'file' || entry.kind === 'memory').slice(0, MAX_CATS))
    more.push(['cat', `${mutated}:${path}`]);
  return more;
}

export async function runCase(request: CaseRequest): Promise<CaseReply> {
  const before = request.watch.map((path) => fingerprint(path));
  const problems: string[] = [];
  const exits: number[] = [];
  const check = async (args: string[]): Promise<CliResult> => {
    const label = args
      .map((arg) => arg.replace(request.mutated, 'MUTATED').replace(request.original, 'ORIGINAL'))
      .join(' ');
    process.send?.({ id: request.id, started: label } satisfies CommandStarted);
    (globalThis as { gc?: () => void }).gc?.();
    const result = await cli(args);
    exits.push(result.code);
    problems.push(...outputProblems(args, result).map((problem) => `${label}: ${problem}`));
    return result;
  };
  const base = commandsFor(request.original, request.mutated);
  const results = [];
  for (const args of base) results.push(await check(args));
  for (const args of followUps(request.mutated, results[1], results[3])) await check(args);
  request.watch.forEach((path, index) =>
    problems.push(
      ...fingerprintChanges(before[index] ?? new Map(), fingerprint(path)).map((change) => `input ${change}`),
    ),
  );
  return { id: request.id, problems, exits, peakRssMib: process.resourceUsage().maxRSS / 1024 };
}
