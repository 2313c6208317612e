/**
 * `npm run fuzz [-- --seed N --iterations N --time SECONDS --readers a,b --deadline MS --rss MIB]`:
 * mutation fuzzing of every reader through the real CLI; failing inputs land in test/fuzz-crashes/.
 * Exit status 1 when any case failed.
 */
import { fuzz, type FuzzOptions, type ReaderSummary } from './harness.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

export function summaryTable(summaries: ReaderSummary[], options: FuzzOptions): string {
  const rows = summaries.map(
    ({ reader, cases, exits, failures }) =>
      `| ${reader} | ${cases} | ${exits[0] ?? 0} / ${exits[1] ?? 0} / ${exits[2] ?? 0} | ${failures.length} |`,
  );
  return [
    `seed ${options.seed}, ${options.iterations} iterations at most, ${options.timeMs / 1000} s budget, case deadline ${options.caseDeadlineMs} ms, RSS cap ${options.rssCapMib} MiB`,
    '',
    '| reader | inputs tried | commands exiting 0 / 1 / 2 | failures |',
    '|---|---:|---:|---:|',
    ...rows,
    `| **total** | ${summaries.reduce((sum, s) => sum + s.cases, 0)} | | ${summaries.reduce((sum, s) => sum + s.failures.length, 0)} |`,
  ].join('\n');
}

const options: FuzzOptions = {
  seed: Number(option('seed', '1')),
  iterations: Number(option('iterations', '200')),
  timeMs: Number(option('time', '300')) * 1000,
  caseDeadlineMs: Number(option('deadline', '20000')),
  rssCapMib: Number(option('rss', '768')),
  readers: process.argv.includes('--readers') ? option('readers', '').split(',') : undefined,
  crashDir: new URL('../fuzz-crashes/', import.meta.url).pathname,
  log: (line) => process.stderr.write(`${line}\n`),
};
const started = Date.now();
const summaries = await fuzz(options);
process.stdout.write(
  `${summaryTable(summaries, options)}\n\nwall time ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
process.exitCode = summaries.some((summary) => summary.failures.length > 0) ? 1 : 0;
