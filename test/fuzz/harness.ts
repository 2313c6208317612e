import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prng } from '../helpers/prng.js';
import { mutate } from './mutate.js';
import { writeInput, type Input } from './input.js';
import { seedsByReader, type Seed } from './seeds.js';
import type { CaseReply, CaseRequest, CommandStarted } from './case.js';

export interface FuzzOptions {
  seed: number;
  /** Cases per reader, at most. */
  iterations: number;
  /** Wall-clock budget of the whole run. */
  timeMs: number;
  /** A case (all its commands) running longer than this is a hang. */
  caseDeadlineMs: number;
  /** Resident memory of the worker above this is a failure. */
  rssCapMib: number;
  readers?: string[];
  /** Where failing inputs are saved; none when undefined. */
  crashDir?: string;
  /** The worker script; the harness's own tests swap in one that misbehaves on purpose. */
  workerScript?: string;
  log?: (line: string) => void;
}

export interface Failure {
  reader: string;
  seed: string;
  caseSeed: number;
  mutations: string[];
  problems: string[];
  saved?: string;
}

export interface ReaderSummary {
  reader: string;
  cases: number;
  /** How many commands ended 0, 1 and 2. */
  exits: Record<string, number>;
  failures: Failure[];
}

const root = new URL('../../', import.meta.url).pathname;
const WORKER = new URL('./worker.ts', import.meta.url).pathname;
const POLL_MS = 20;

/** The worker child: cases go in one at a time; a hang or a memory blow-up kills and replaces it. */
class Worker {
  private child: ChildProcess | undefined;
  private stderr = '';

  constructor(private readonly script: string) {}

  private async start(): Promise<ChildProcess> {
    // --expose-gc: the worker collects between commands, so the RSS cap measures one command, not the garbage of the last dozen.
    const child = spawn(
      process.execPath,
      ['--expose-gc', join(root, 'node_modules/vite-node/vite-node.mjs'), this.script],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      },
    );
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-2000)));
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) =>
        reject(new Error(`fuzz worker exited (${code}) before it was ready: ${this.stderr}`)),
      );
    });
    return child;
  }

  async run(request: CaseRequest, deadlineMs: number, rssCapMib: number): Promise<CaseReply> {
    this.child ??= await this.start();
    this.stderr = '';
    const outcome = await this.answer(this.child, request, deadlineMs, rssCapMib);
    if (typeof outcome === 'string') {
      this.stop();
      return { id: request.id, problems: [outcome], exits: [], peakRssMib: 0 };
    }
    // The peak never goes down, so a worker that went over is replaced before the next case.
    if (outcome.peakRssMib > rssCapMib) {
      this.stop();
      return {
        ...outcome,
        problems: [
          ...outcome.problems,
          `memory: peak RSS ${Math.round(outcome.peakRssMib)} MiB over the ${rssCapMib} MiB cap`,
        ],
      };
    }
    return outcome;
  }

  /** The worker's reply, or why none came: a hang, a memory blow-up or the worker's death. */
  private async answer(
    child: ChildProcess,
    request: CaseRequest,
    deadlineMs: number,
    rssCapMib: number,
  ): Promise<CaseReply | string> {
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    let onExit: ((code: number | null, signal: string | null) => void) | undefined;
    let onMessage: ((reply: CaseReply | CommandStarted) => void) | undefined;
    const outcome = await new Promise<CaseReply | string>((resolve) => {
      // The deadline holds for each command: the worker says when it starts the next one.
      const arm = (command?: string): void => {
        clearTimeout(timer);
        const what = command ? ` to ${command}` : '';
        timer = setTimeout(() => resolve(`hang: no answer within ${deadlineMs} ms${what}`), deadlineMs);
      };
      arm();
      poll = setInterval(() => {
        const rss = residentMib(child.pid);
        if (rss > rssCapMib) resolve(`memory: worker RSS ${Math.round(rss)} MiB over the ${rssCapMib} MiB cap`);
      }, POLL_MS);
      onExit = (code, signal) =>
        resolve(`worker died (${code ?? signal}): ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      onMessage = (message) => ('started' in message ? arm(message.started) : resolve(message));
      child.once('exit', onExit);
      child.on('message', onMessage);
      child.send(request);
    });
    clearTimeout(timer);
    clearInterval(poll);
    if (onExit) child.off('exit', onExit);
    if (onMessage) child.off('message', onMessage);
    return outcome;
  }

  stop(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }
}

function residentMib(pid: number | undefined): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** A case's own seed, so that any one case replays without the ones before it. */
function caseSeedOf(runSeed: number, reader: string, iteration: number): number {
  return createHash('sha256').update(`${runSeed}:${reader}:${iteration}`).digest().readUInt32LE(0);
}

function saveCrash(crashDir: string, failure: Failure, original: Input, mutated: Input): string {
  const folder = join(crashDir, `${failure.reader}-${failure.seed}-${failure.caseSeed.toString(16).padStart(8, '0')}`);
  rmSync(folder, { recursive: true, force: true });
  const originalPath = writeInput(join(folder, 'original'), original);
  const mutatedPath = writeInput(join(folder, 'mutated'), mutated);
  const description = {
    reader: failure.reader,
    seed: failure.seed,
    caseSeed: failure.caseSeed,
    mutations: failure.mutations,
    problems: failure.problems,
    original: originalPath.slice(folder.length + 1),
    mutated: mutatedPath.slice(folder.length + 1),
    fixed: '',
  };
  writeFileSync(join(folder, 'case.json'), `${JSON.stringify(description, null, 2)}\n`);
  return folder;
}

/** Mutates every reader's seeds round-robin until the iterations or the time run out. */
export async function fuzz(options: FuzzOptions): Promise<ReaderSummary[]> {
  const readers = options.readers ?? Object.keys(seedsByReader);
  const seeds = new Map<string, Seed[]>(readers.map((reader) => [reader, seedsByReader[reader]?.() ?? []]));
  const summaries = new Map<string, ReaderSummary>(
    readers.map((reader) => [reader, { reader, cases: 0, exits: {}, failures: [] }]),
  );
  const scratch = mkdtempSync(join(tmpdir(), 'snapinspect-fuzz-'));
  const worker = new Worker(options.workerScript ?? WORKER);
  const stopAt = Date.now() + options.timeMs;
  let id = 0;
  try {
    for (let iteration = 0; iteration < options.iterations && Date.now() < stopAt; iteration++) {
      for (const reader of readers) {
        if (Date.now() >= stopAt) break;
        const candidates = seeds.get(reader) ?? [];
        const seed = candidates[iteration % candidates.length];
        if (!seed) continue;
        const caseSeed = caseSeedOf(options.seed, reader, iteration);
        const random = prng(caseSeed);
        const mutations: string[] = [];
        let input = seed.input;
        // Mostly one mutation, so a failure points at its cause; sometimes two or three stacked.
        for (let count = random() < 0.6 ? 1 : random() < 0.75 ? 2 : 3, i = 0; i < count; i++) {
          const next = mutate(random, input);
          input = next.input;
          mutations.push(next.note);
        }
        const folder = join(scratch, `case-${++id}`);
        mkdirSync(folder);
        const request: CaseRequest = {
          id,
          original: writeInput(join(folder, 'original'), seed.input),
          mutated: writeInput(join(folder, 'mutated'), input),
          watch: [folder],
        };
        const reply = await worker.run(request, options.caseDeadlineMs, options.rssCapMib);
        const summary = summaries.get(reader) as ReaderSummary;
        summary.cases++;
        for (const code of reply.exits) summary.exits[code] = (summary.exits[code] ?? 0) + 1;
        if (reply.problems.length > 0) {
          const failure: Failure = { reader, seed: seed.name, caseSeed, mutations, problems: reply.problems };
          if (options.crashDir) failure.saved = saveCrash(options.crashDir, failure, seed.input, input);
          summary.failures.push(failure);
          options.log?.(
            `FAIL ${reader}/${seed.name} case ${caseSeed.toString(16)} [${mutations.join('; ')}]: ${reply.problems[0]}`,
          );
        }
        rmSync(folder, { recursive: true, force: true });
      }
    }
  } finally {
    worker.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  return [...summaries.values()];
}

export interface SavedCase {
  reader: string;
  mutations: string[];
  problems: string[];
  /** Paths of the inputs inside the case folder. */
  original: string;
  mutated: string;
}

/**
 * Runs saved crash cases again (from scratch copies, so the repository is never the input) in a
 * worker with the same deadline and memory cap as a fuzz run; returns the problems of each.
 */
export async function replay(
  folders: readonly string[],
  caseDeadlineMs: number,
  rssCapMib: number,
): Promise<Map<string, string[]>> {
  const scratch = mkdtempSync(join(tmpdir(), 'snapinspect-replay-'));
  const worker = new Worker(WORKER);
  const problems = new Map<string, string[]>();
  try {
    for (const [index, folder] of folders.entries()) {
      const saved = JSON.parse(readFileSync(join(folder, 'case.json'), 'utf8')) as SavedCase;
      const copy = join(scratch, `case-${index}`);
      cpSync(folder, copy, { recursive: true, verbatimSymlinks: true });
      const request: CaseRequest = {
        id: index,
        original: join(copy, saved.original),
        mutated: join(copy, saved.mutated),
        watch: [copy],
      };
      problems.set(folder, (await worker.run(request, caseDeadlineMs, rssCapMib)).problems);
    }
  } finally {
    worker.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  return problems;
}
