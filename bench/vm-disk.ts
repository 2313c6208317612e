import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeChangedClusters } from '../test/helpers/qemu-io.js';
import { peakRssMiB, snapinspect, timeCommand } from './harness.js';
import type { BenchRow } from './icp-verify.js';

const PARTITION_SECTOR = 2048;
const FILES = 10_000;
const FOLDERS = 100;
const FILE_BYTES = 40 * 1024;
const BIG_FILE_BYTES = 100 * 1024 * 1024;

/**
 * A GPT disk of ~800 MB whose ext4 partition holds 10,000 files of 40 KiB and one of 100 MiB, as a
 * qcow2 with two internal snapshots a few files apart: `s1`, then six changes written with debugfs
 * into a raw copy and carried into the qcow2 cluster by cluster with qemu-io, then `s2`.
 */
function makeDisk(workDir: string): { qcow2: string; raw: string } {
  const tree = join(workDir, 'vm-tree');
  for (let folder = 0; folder < FOLDERS; folder++) {
    const dir = join(tree, `srv/data${folder}`);
    mkdirSync(dir, { recursive: true });
    for (let file = 0; file < FILES / FOLDERS; file++)
      writeFileSync(join(dir, `f${file}.bin`), randomBytes(FILE_BYTES));
  }
  writeFileSync(join(tree, 'big.bin'), randomBytes(BIG_FILE_BYTES));
  const fs = join(workDir, 'vm-p1.ext4');
  const raw = join(workDir, 'vm-s1.raw');
  execFileSync('mke2fs', ['-q', '-F', '-t', 'ext4', '-b', '4096', '-d', tree, fs, '760M']);
  execFileSync('truncate', ['-s', '800M', raw]);
  execFileSync('sgdisk', ['-n', `1:${PARTITION_SECTOR}:0`, '-t', '1:8300', '-c', '1:root', raw], { stdio: 'ignore' });
  execFileSync('dd', [
    `if=${fs}`,
    `of=${raw}`,
    'bs=1M',
    `seek=${PARTITION_SECTOR * 512}`,
    'oflag=seek_bytes',
    'conv=notrunc,sparse',
    'status=none',
  ]);
  const qcow2 = join(workDir, 'vm.qcow2');
  execFileSync('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
  execFileSync('qemu-img', ['snapshot', '-c', 's1', qcow2]);
  const after = join(workDir, 'vm-s2.raw');
  execFileSync('cp', ['--sparse=always', raw, after]);
  const changed = join(workDir, 'changed.txt');
  writeFileSync(changed, 'changed contents\n');
  const commands = [
    'rm /srv/data3/f7.bin',
    `write ${changed} /srv/data3/f7.bin`,
    `write ${changed} /srv/data50/new.txt`,
    'rm /srv/data99/f0.bin',
    'set_inode_field /srv/data10/f10.bin mode 0100600',
    'mkdir /srv/added',
    `write ${changed} /srv/added/readme`,
  ];
  writeFileSync(join(workDir, 'debugfs.cmds'), `${commands.join('\n')}\n`);
  execFileSync('debugfs', ['-w', '-f', join(workDir, 'debugfs.cmds'), `${after}?offset=${PARTITION_SECTOR * 512}`], {
    stdio: 'ignore',
  });
  writeChangedClusters(raw, after, qcow2, workDir);
  execFileSync('qemu-img', ['snapshot', '-c', 's2', qcow2]);
  return { qcow2, raw };
}

/** The way without snapinspect: both snapshots to raw, both filesystems dumped with debugfs, then `diff -rq`. */
function manualDiffScript(qcow2: string, workDir: string): string {
  const offset = PARTITION_SECTOR * 512;
  const steps = ['s1', 's2'].map((tag) => {
    const raw = join(workDir, `manual-${tag}.raw`);
    const out = join(workDir, `manual-${tag}`);
    return `rm -rf ${out} ${raw} && mkdir ${out} && qemu-img convert -f qcow2 -O raw -l snapshot.name=${tag} ${qcow2} ${raw} && debugfs -R "rdump / ${out}" "${raw}?offset=${offset}" 2>/dev/null`;
  });
  return `${steps.join(' && ')} && diff -rq ${join(workDir, 'manual-s1')} ${join(workDir, 'manual-s2')}; test $? -le 1`;
}

function bigFileInode(raw: string): string {
  const listing = execFileSync('fls', ['-o', String(PARTITION_SECTOR), raw], { encoding: 'utf8' });
  const line = listing.split('\n').find((entry) => entry.endsWith('\tbig.bin'));
  const inode = /(\d+)(?:-\d+-\d+)?:/.exec(line ?? '')?.[1];
  if (!inode) throw new Error('fls did not list big.bin');
  return inode;
}

export function benchVmDisk(workDir: string): BenchRow[] {
  const { qcow2, raw } = makeDisk(workDir);
  const manual = timeCommand('/bin/sh', ['-c', manualDiffScript(qcow2, workDir)], 3);
  const diff = timeCommand(...snapinspect('diff', `${qcow2}#s1`, `${qcow2}#s2`), 5, [0, 1]);
  const fls = timeCommand('fls', ['-r', '-l', '-p', '-o', String(PARTITION_SECTOR), raw]);
  const ls = timeCommand(...snapinspect('ls', '-R', '-l', raw));
  const icat = timeCommand('icat', ['-o', String(PARTITION_SECTOR), raw, bigFileInode(raw)]);
  const cat = timeCommand(...snapinspect('cat', `${raw}:p1/big.bin`));
  const rss = peakRssMiB(['diff', `${qcow2}#s1`, `${qcow2}#s2`], workDir, [0, 1]);
  const speedup = manual.medianMs / diff.medianMs;
  const lsRatio = ls.medianMs / fls.medianMs;
  const catRatio = cat.medianMs / icat.medianMs;
  return [
    {
      work: 'diff two internal snapshots of an 800 MB qcow2 (ext4, 10k files, 7 changes)',
      ours: `${diff.medianMs.toFixed(0)} ms`,
      baseline: `qemu-img convert ×2 + debugfs rdump ×2 + diff -rq: ${manual.medianMs.toFixed(0)} ms`,
      ratio: `${speedup.toFixed(1)}× faster`,
      budget: '≥ 20× faster',
      pass: speedup >= 20,
    },
    {
      work: 'ls -R -l of the raw disk (10k files)',
      ours: `${ls.medianMs.toFixed(0)} ms`,
      baseline: `fls -r -l -p: ${fls.medianMs.toFixed(0)} ms`,
      ratio: `${lsRatio.toFixed(2)}× fls's time`,
      budget: '≤ 1.5×',
      pass: lsRatio <= 1.5,
    },
    {
      work: 'cat of a 100 MiB file on the raw disk',
      ours: `${cat.medianMs.toFixed(0)} ms`,
      baseline: `icat: ${icat.medianMs.toFixed(0)} ms`,
      ratio: `${catRatio.toFixed(2)}× icat's time`,
      budget: '–',
      pass: true,
    },
    {
      work: 'diff of the two qcow2 snapshots: peak RSS',
      ours: `${rss.toFixed(0)} MiB`,
      baseline: '–',
      ratio: '–',
      budget: '< 200 MB',
      pass: rss * 1.048576 < 200,
    },
  ];
}
