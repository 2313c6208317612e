import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { tarEntry } from '../helpers/tar-builder.js';
import { AFTER, BEFORE, writeTar } from '../helpers/tui-builder.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const built = existsSync(join(repoRoot, 'dist/snapinspect.mjs'));
if (!hasTmux) console.warn('SKIPPED terminal UI end-to-end tests: tmux is not installed (apt-get install tmux)');
if (!built) console.warn('SKIPPED terminal UI end-to-end tests: dist/ is missing (npm test builds it first)');

// A server of our own, so the tests never touch anyone's tmux sessions.
const socket = `snapinspect-e2e-${process.pid}`;
const tmux = (...args: string[]): string => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' }).stdout;
const screen = (session: string): string => tmux('capture-pane', '-p', '-t', session);
const alternateScreen = (session: string): string =>
  tmux('display-message', '-p', '-t', session, '#{alternate_on}').trim();

async function waitFor(session: string, text: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const shown = screen(session);
    if (shown.includes(text)) return shown;
    if (Date.now() > deadline) throw new Error(`"${text}" never appeared; the screen shows:\n${shown}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The screen once it stops changing: a resize redraws in more than one write. */
async function settledScreen(session: string): Promise<string> {
  let last = screen(session);
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const shown = screen(session);
    if (shown === last) return shown;
    last = shown;
  }
  return last;
}

/** Runs snapinspect in a 100 × 24 tmux pane after a line of shell output that must be back once the UI ends. */
function start(session: string, args: string[]): void {
  const command = `printf 'shell before\\n'; node ${join(repoRoot, 'bin/snapinspect.js')} ${args.map((arg) => `'${arg}'`).join(' ')}; echo "exited with $?"; sleep 600`;
  tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '24', '-e', 'NO_COLOR=1', command);
}

afterAll(() => {
  if (hasTmux) tmux('kill-server');
});

describe.skipIf(!hasTmux || !built)('the terminal UI in a real terminal (tmux)', { timeout: 120_000 }, () => {
  const folder = tempDir('snapinspect-e2e-');
  const before = writeTar(folder, 'before.tar', BEFORE);
  const after = writeTar(folder, 'after.tar', AFTER);

  it('browses a snapshot on the alternate screen and restores the terminal after q', async () => {
    start('browse', [before]);
    await waitFor('browse', 'tar (plain) · before.tar');
    expect(alternateScreen('browse')).toBe('1');
    tmux('send-keys', '-t', 'browse', 'G', 'k', 'Enter');
    const expanded = await waitFor('browse', '▾ etc/');
    expect(
      expanded
        .split('\n')
        .slice(2, 7)
        .map((line) => line.trimEnd()),
    ).toEqual([
      '     blob.bin                                   9 B file    │Path:     etc',
      '     current → etc/app.conf                     0 B symlink │Kind:     dir',
      '›  ▾ etc/                                      40 B dir     │Size:     0 (40 B in all)',
      '       app.conf                                32 B file    │Mode:     0755  uid 0  gid 0',
      '       motd                                     8 B file    │Modified: 2023-11-14T22:13:20Z',
    ]);
    tmux('resize-window', '-t', 'browse', '-x', '60', '-y', '12');
    while (screen('browse').includes('│')) await new Promise((resolve) => setTimeout(resolve, 100));
    const narrow = await settledScreen('browse');
    // 12 rows: 11 frame rows, the last row empty, and capture-pane's final newline.
    // Below 70 columns the details pane is left out; the frame stays one row short of the terminal.
    expect(narrow.split('\n').map((line) => line.trimEnd())).toEqual([
      'tar (plain) · before.tar',
      'writer: POSIX ustar (Go, moby, LXD) · 0 child snapshots · 0',
      '     blob.bin                                   9 B file',
      '     current → etc/app.conf                     0 B symlink',
      '›  ▾ etc/                                      40 B dir',
      '       app.conf                                32 B file',
      '       motd                                     8 B file',
      '   ▸ var/                                   2.0 KiB dir',
      '',
      '',
      ' ? help · tab pane · q quit · 3/6',
      '',
      '',
    ]);
    tmux('send-keys', '-t', 'browse', 'q');
    const restored = await waitFor('browse', 'exited with 0');
    expect(alternateScreen('browse')).toBe('0');
    expect(restored.trimEnd().split('\n')).toEqual(['shell before', 'exited with 0']);
  });

  it('shows a diff, its text diff, and restores the terminal after Ctrl-C with exit status 1', async () => {
    start('diff', ['diff', before, after]);
    await waitFor('diff', 'filter: changed · files: 1 added, 1 removed, 1 modified, 1 metadata only, -1.9 KiB');
    tmux('send-keys', '-t', 'diff', 'l');
    await waitFor('diff', ' M     app.conf');
    // NO_COLOR: no colour escapes reach the terminal, the marks and a search match read as plain text.
    tmux('send-keys', '-t', 'diff', '/', 'c', 'o', 'n', 'f', 'Enter');
    await waitFor('diff', 'app.«conf»');
    // tmux writes 39 and 49 (default colours) after any attribute; a colour would be 30-38, 40-48 or 90-107.
    expect(tmux('capture-pane', '-p', '-e', '-t', 'diff')).not.toMatch(
      /\u001b\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m/,
    );
    tmux('send-keys', '-t', 'diff', 'Escape', 'g');
    tmux('send-keys', '-t', 'diff', 'j', 'v');
    const diff = await waitFor('diff', '+port=8080');
    expect(diff).toContain('etc/app.conf — unified diff');
    expect(diff).toContain('-port=80\n');
    tmux('send-keys', '-t', 'diff', 'C-c');
    const restored = await waitFor('diff', 'exited with 1');
    expect(alternateScreen('diff')).toBe('0');
    expect(restored.trimEnd().split('\n')).toEqual(['shell before', 'exited with 1']);
  });

  it('opens a large tar inside the UI with its progress, and q leaves it with the terminal restored', async () => {
    const large = join(folder, 'large.tar');
    const fd = openSync(large, 'w');
    for (let start = 0; start < 100_000; start += 10_000) {
      writeSync(
        fd,
        Buffer.concat(
          Array.from({ length: 10_000 }, (_, index) =>
            tarEntry({ name: `data/file${start + index}`, data: '', mode: 0o644, mtime: 1_700_000_000 }),
          ),
        ),
      );
    }
    writeSync(fd, new Uint8Array(1024));
    closeSync(fd);
    start('large', [large]);
    const opening = await waitFor('large', 'opening ');
    expect(opening).toMatch(new RegExp(`^opening ${large}… (.* read of 48\\.8 MiB · )?\\d+\\.\\d s\\s+q quits`));
    expect(alternateScreen('large')).toBe('1');
    tmux('send-keys', '-t', 'large', 'q');
    const restored = await waitFor('large', 'exited with 0');
    expect(alternateScreen('large')).toBe('0');
    expect(restored.trimEnd().split('\n')).toEqual(['shell before', 'exited with 0']);
  });

  it('restores the terminal before it reports an error while opening, with exit status 2', async () => {
    start('missing', [join(folder, 'missing.tar')]);
    const restored = await waitFor('missing', 'exited with 2');
    expect(alternateScreen('missing')).toBe('0');
    expect(restored.trimEnd().split('\n')).toEqual([
      'shell before',
      `snapinspect: no such file or folder: ${join(folder, 'missing.tar')} (NOT_FOUND)`,
      'exited with 2',
    ]);
  });
});
