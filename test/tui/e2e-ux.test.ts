import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { buildImage, dir, file } from '../helpers/image-builder.js';
import { BEFORE, writeTar } from '../helpers/tui-builder.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const built = existsSync(join(repoRoot, 'dist/snapinspect.mjs'));
if (!hasTmux)
  console.warn('SKIPPED terminal UI colour/stack/search tests: tmux is not installed (apt-get install tmux)');
if (!built) console.warn('SKIPPED terminal UI colour/stack/search tests: dist/ is missing (npm test builds it first)');

// A server of our own, so the tests never touch anyone's tmux sessions.
const socket = `snapinspect-ux-${process.pid}`;
const tmux = (...args: string[]): string => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' }).stdout;
const screen = (session: string): string => tmux('capture-pane', '-p', '-t', session);
/** The pane with its styles as SGR escapes, as a person's terminal would draw them. */
const styled = (session: string): string => tmux('capture-pane', '-p', '-e', '-t', session);

/** Polls the pane until `text` shows; a loaded machine only makes it slower. */
async function waitFor(session: string, text: string | RegExp): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const shown = screen(session);
    if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
    if (Date.now() > deadline) throw new Error(`"${text}" never appeared; the screen shows:\n${screen(session)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Runs snapinspect in a 100 × 24 pane with `env` on top of a clean colour setting: no NO_COLOR or
 * FORCE_COLOR from whoever runs the tests, and CI=true, which must not take colour or live frames away.
 */
function start(session: string, args: string[], env: Record<string, string> = {}): void {
  const settings = Object.entries({ CI: 'true', ...env })
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  const command = `env -u NO_COLOR -u FORCE_COLOR ${settings} node ${join(repoRoot, 'bin/snapinspect.js')} ${args.map((arg) => `'${arg}'`).join(' ')}; echo "exited with $?"; sleep 600`;
  tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '24', command);
}

const rows = (shown: string): string[] => shown.split('\n').map((line) => line.trimEnd());

afterAll(() => {
  if (hasTmux) tmux('kill-server');
});

describe.skipIf(!hasTmux || !built)('what a person sees in a real terminal (tmux)', { timeout: 120_000 }, () => {
  const folder = tempDir('snapinspect-ux-');
  const tar = writeTar(folder, 'before.tar', BEFORE);
  const image = join(folder, 'image.tar');
  writeFileSync(
    image,
    buildImage('legacy', {
      layers: [[dir('etc/'), file('etc/a.conf', 'one'), file('etc/b.conf', 'two')], [file('later.txt', 'three')]],
    }),
  );

  it('draws the selected row as one inverse bar in colour, even with CI set', async () => {
    start('colour', [tar]);
    await waitFor('colour', '›    blob.bin');
    const shown = styled('colour');
    const selected = rows(shown).find((line) => line.includes('›')) ?? '';
    // The bar runs from the cursor mark past the kind with no style change between name and size.
    expect(selected).toMatch(/^\u001b\[([0-9;]*;)?7(;[0-9;]*)?m› {4}blob\.bin {35}9 B file {4}\u001b\[0m/);
    tmux('send-keys', '-t', 'colour', 'q');
    await waitFor('colour', 'exited with 0');
  });

  it('colours diff marks: M yellow and m cyan', async () => {
    const after = writeTar(folder, 'after.tar', [
      ...BEFORE.filter((entry) => entry.name !== 'etc/app.conf' && entry.name !== 'etc/motd'),
      { ...BEFORE[1], data: 'port=8080\n' } as (typeof BEFORE)[number],
      { ...BEFORE[2], mode: 0o600 } as (typeof BEFORE)[number],
    ]);
    start('marks', ['diff', tar, after]);
    await waitFor('marks', 'filter: changed');
    tmux('send-keys', '-t', 'marks', 'l');
    await waitFor('marks', 'motd');
    const shown = styled('marks');
    expect(rows(shown).find((line) => line.includes('app.conf'))).toMatch(/\u001b\[33m M {5}app\.conf/);
    expect(rows(shown).find((line) => line.includes('motd'))).toMatch(/\u001b\[36m m {5}motd/);
    tmux('send-keys', '-t', 'marks', 'q');
    await waitFor('marks', 'exited with 1');
  });

  it('sends no style escapes at all with NO_COLOR', async () => {
    start('plain', [tar], { NO_COLOR: '1' });
    await waitFor('plain', '›    blob.bin');
    tmux('send-keys', '-t', 'plain', '/', 'l', 'o');
    await waitFor('plain', 'b«lo»b.bin');
    expect(styled('plain')).not.toContain('\u001b[');
    tmux('send-keys', '-t', 'plain', 'Escape');
    await waitFor('plain', ' ? help');
    tmux('send-keys', '-t', 'plain', 'q');
    await waitFor('plain', 'exited with 0');
  });

  it('opens a child snapshot and comes back with esc and Backspace, the cursor where it was', async () => {
    start('stack', [image]);
    await waitFor('stack', '▸ etc/');
    tmux('send-keys', '-t', 'stack', 'l');
    await waitFor('stack', 'b.conf');
    tmux('send-keys', '-t', 'stack', 'j', 'j');
    const left = rows(await waitFor('stack', '›      b.conf')).slice(0, 8);
    tmux('send-keys', '-t', 'stack', 'c');
    await waitFor('stack', 'Child snapshots of image.tar');
    tmux('send-keys', '-t', 'stack', 'j', 'Enter');
    await waitFor('stack', 'layer 1 of 2');
    tmux('send-keys', '-t', 'stack', 'c');
    await waitFor('stack', 'Children of the parent, image.tar');
    tmux('send-keys', '-t', 'stack', 'Escape');
    await waitFor('stack', /layer 1 of 2[^]*q quit · 1\/1/);
    tmux('send-keys', '-t', 'stack', 'Escape');
    expect(rows(await waitFor('stack', '›      b.conf')).slice(0, 8)).toEqual(left);
    tmux('send-keys', '-t', 'stack', 'c', 'j', 'j', 'Enter');
    await waitFor('stack', 'layer 2 of 2');
    tmux('send-keys', '-t', 'stack', 'BSpace');
    expect(rows(await waitFor('stack', '›      b.conf')).slice(0, 8)).toEqual(left);
    tmux('send-keys', '-t', 'stack', 'Escape');
    await waitFor('stack', 'exited with 0');
  });

  it('searches the whole tree: no match, then a match in a folder never opened, and n', async () => {
    start('search', [tar]);
    await waitFor('search', '▸ etc/');
    tmux('send-keys', '-t', 'search', '/', 'z', 'z', 'z', 'Enter');
    expect(rows(await waitFor('search', 'no match')).at(-3)).toBe(
      ' ? help · tab pane · q quit · 1/4 · search: zzz (no match)',
    );
    // Escape and the next key in one write would read as alt+key: each waits for the frame before.
    tmux('send-keys', '-t', 'search', 'Escape');
    await waitFor('search', /q quit · 1\/4\n/);
    tmux('send-keys', '-t', 'search', '/', 'l', 'o', 'g', 'Enter');
    // The first match is the folder var/log itself: the way to it opens, its size follows.
    const found = rows(await waitFor('search', '›    ▸ «log»/                               2.0 KiB dir'));
    expect(found.slice(2, 8).map((line) => line.slice(0, 60).trimEnd())).toEqual([
      '     blob.bin                                   9 B file',
      '     current → etc/app.conf                     0 B symlink',
      '   ▸ etc/                                      40 B dir',
      '   ▾ var/                                   2.0 KiB dir',
      '›    ▸ «log»/                               2.0 KiB dir',
      '',
    ]);
    expect(found.at(-3)).toBe(' ? help · tab pane · q quit · 5/5 · search: log (1 of 2, n/N)');
    tmux('send-keys', '-t', 'search', 'n');
    const next = rows(await waitFor('search', '2 of 2'));
    expect(next[7]?.slice(0, 60).trimEnd()).toBe('›        old.«log»                          2.0 KiB file');
    tmux('send-keys', '-t', 'search', 'q');
    await waitFor('search', 'exited with 0');
  });

  it('filters with ctrl+f to the matching paths and their folders, and esc shows all again', async () => {
    start('filter', [tar]);
    await waitFor('filter', '▸ etc/');
    tmux('send-keys', '-t', 'filter', 'C-f');
    await waitFor('filter', 'filter names:');
    tmux('send-keys', '-t', 'filter', 'm', 'o', 't', 'd', 'Enter');
    const filtered = rows(await waitFor('filter', '(1 match)'));
    expect(filtered.slice(2, 5).map((line) => line.slice(0, 60).trimEnd())).toEqual([
      '   ▾ etc/                                      40 B dir',
      '›      motd                                     8 B file',
      '',
    ]);
    tmux('send-keys', '-t', 'filter', 'Escape');
    await waitFor('filter', 'blob.bin');
    tmux('send-keys', '-t', 'filter', 'q');
    await waitFor('filter', 'exited with 0');
  });
});
