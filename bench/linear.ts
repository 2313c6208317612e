import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTar, tarEntry } from '../test/helpers/tar-builder.js';
import { snapinspect, timeCommand } from './harness.js';
import type { BenchRow } from './icp-verify.js';

const SIZES = [10_000, 20_000, 40_000] as const;

interface Shape {
  work: string;
  /** The tar (or pair of tars) of `count` items, written under `dir`; returns the CLI arguments. */
  make(dir: string, count: number): string[];
  okCodes: number[];
}

function writeTar(path: string, members: Uint8Array[]): string {
  writeFileSync(path, buildTar(members));
  return path;
}

/** The three shapes a review found quadratic, each at 10k, 20k and 40k items. */
const shapes: Shape[] = [
  {
    work: 'hard links to missing targets: ls -R',
    make: (dir, count) => [
      'ls',
      '-R',
      writeTar(
        join(dir, `links-${count}.tar`),
        Array.from({ length: count }, (_, i) => tarEntry({ name: `l${i}`, type: '1', linkname: `missing/${i}` })),
      ),
    ],
    okCodes: [0],
  },
  {
    work: 'folders later replaced by files: ls -R',
    make: (dir, count) => {
      const folders = Array.from({ length: count }, (_, i) => tarEntry({ name: `d${i}/`, type: '5' }));
      const files = Array.from({ length: count }, (_, i) => tarEntry({ name: `d${i}`, data: 'x' }));
      return ['ls', '-R', writeTar(join(dir, `replaced-${count}.tar`), [...folders, ...files])];
    },
    okCodes: [0],
  },
  {
    work: 'diff of same-size moved files',
    make: (dir, count) => {
      const file = (prefix: string, i: number): Uint8Array =>
        tarEntry({ name: `${prefix}/f${i}`, data: `${String(i).padStart(8, '0')}` });
      const before = Array.from({ length: count }, (_, i) => file('old', i));
      const after = Array.from({ length: count }, (_, i) => file('new', i));
      return [
        'diff',
        writeTar(join(dir, `moved-a-${count}.tar`), before),
        writeTar(join(dir, `moved-b-${count}.tar`), after),
      ];
    },
    okCodes: [1],
  },
];

/** Time at 40k items over time at 10k: a linear algorithm stays near 4, a quadratic one near 16. */
export function benchLinearGrowth(workDir: string): BenchRow[] {
  return shapes.map((shape) => {
    const times = SIZES.map((count) => timeCommand(...snapinspect(...shape.make(workDir, count)), 3, shape.okCodes));
    const [small, , large] = times.map((timing) => timing.medianMs);
    const ratio = (large ?? 0) / (small ?? 1);
    return {
      work: `${shape.work}, 10k / 20k / 40k items`,
      ours: times.map((timing) => `${timing.medianMs.toFixed(0)}`).join(' / ') + ' ms',
      baseline: '–',
      ratio: `40k/10k: ${ratio.toFixed(2)}`,
      budget: '≤ 5',
      pass: ratio <= 5,
    };
  });
}
