import { escapeForDisplay } from '../model/display.js';
import type { Snapshot } from '../model/snapshot.js';
import { verifySnapshot } from '../verify/index.js';
import { stringifyJson } from '../format/values.js';
import { writeLines, type Io } from './io.js';
import { progressBar } from './progress.js';

/** `checkedAs` names whose checks ran: a manifest claims its source's format but is checked as a manifest. */
export async function verifyCommand(snapshot: Snapshot, io: Io, json: boolean, checkedAs: string): Promise<number> {
  const bar = progressBar(io.stderr, 'hashing');
  const report = { ...(await verifySnapshot(snapshot, bar.update)), format: checkedAs };
  bar.finish();
  if (json) {
    await io.stdout.write(`${stringifyJson(report)}\n`);
  } else {
    const problems = report.findings.filter((f) => f.severity !== 'info').length;
    const verdict = report.ok
      ? `OK: ${escapeForDisplay(snapshot.title)} passes all ${checkedAs} checks`
      : `FAILED: ${problems} problem${problems === 1 ? '' : 's'} in ${escapeForDisplay(snapshot.title)}`;
    await writeLines(io.stdout, [
      ...report.findings.map(
        (f) =>
          `${f.severity.padEnd(7)} ${f.code}${f.path ? ` ${escapeForDisplay(f.path)}` : ''}: ${escapeForDisplay(f.message)}`,
      ),
      verdict,
    ]);
  }
  return report.ok ? 0 : 1;
}
