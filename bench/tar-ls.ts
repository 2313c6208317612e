import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tarEntry } from '../test/helpers/tar-builder.js';
import { peakRssMiB, snapinspect, timeCommand } from './harness.js';
import type { BenchRow } from './icp-verify.js';

/** An export-like tar: ~10k members in 100 directories, ~200 MB of file data. */
export function makeExportTar(path: string, members = 10_000, bytes = 200 * 1024 * 1024): void {
  const fd = openSync(path, 'w');
  const write = (chunk: Uint8Array): void => {
    writeSync(fd, chunk);
  };
  write(tarEntry({ name: '.dockerenv', data: '', mode: 0o755 }));
  const dirs = 100;
  const fileSize = Math.floor(bytes / (members - dirs));
  const pool = randomBytes(fileSize * 4);
  for (let d = 0; d < dirs; d++) {
    write(tarEntry({ name: `usr/lib/pkg${d}/`, type: '5', mode: 0o755, mtime: 1795309868 }));
    for (let f = 0; f < (members - dirs) / dirs; f++) {
      const start = (d * 7919 + f * 104729) % (fileSize * 3);
      write(
        tarEntry({
          name: `usr/lib/pkg${d}/file${f}.so`,
          data: pool.subarray(start, start + fileSize),
          mode: 0o644,
          mtime: 1795309868 + f,
        }),
      );
    }
  }
  write(new Uint8Array(1024));
  closeSync(fd);
}

export function benchTarList(workDir: string): BenchRow[] {
  const tar = join(workDir, 'export.tar');
  makeExportTar(tar);
  const baseline = timeCommand('tar', ['tvf', tar]);
  const ours = timeCommand(...snapinspect('ls', '-R', '-l', tar));
  const ratio = ours.medianMs / baseline.medianMs;
  const rss = peakRssMiB(['ls', '-R', '-l', tar], workDir);
  return [
    {
      work: 'ls -R -l of a 200 MB export tar with 10k members',
      ours: `${ours.medianMs.toFixed(0)} ms`,
      baseline: `tar tvf: ${baseline.medianMs.toFixed(0)} ms`,
      ratio: `${ratio.toFixed(2)}× tar's time`,
      budget: '≤ 1.5×',
      pass: ratio <= 1.5,
    },
    {
      work: 'ls of the 200 MB export tar: peak RSS',
      ours: `${rss.toFixed(0)} MiB`,
      baseline: '–',
      ratio: '–',
      budget: '< 200 MB',
      pass: rss * 1.048576 < 200,
    },
  ];
}
