import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { Shell } from '../../src/tui/shell.js';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { icpFolderFiles, writeFiles } from '../helpers/icp-builder.js';
import { buildImage, file } from '../helpers/image-builder.js';
import { AFTER, BEFORE, KEY, openBrowse, openDiff, renderApp, writeTar } from '../helpers/tui-builder.js';

/** Frames as ink-testing-library shows them (100 × 24, NO_COLOR), trailing blanks trimmed. */
const lines = (frame: string): string[] => frame.split('\n').map((line) => line.trimEnd());

const folder = tempDir('snapinspect-tui-');
const before = writeTar(folder, 'before.tar', BEFORE);
const after = writeTar(folder, 'after.tar', AFTER);

afterEach(() => cleanup());

describe('the browse view', () => {
  it('shows the header, the tree with sizes, kinds and link targets, and the details of the selected entry', async () => {
    const app = await renderApp(await openBrowse(before));
    expect(lines(app.lastFrame() ?? '')).toEqual([
      'tar (plain) · before.tar',
      'writer: POSIX ustar (Go, moby, LXD) · 0 child snapshots · 0 diagnostics',
      '›    blob.bin                                   9 B file    │Path:     blob.bin',
      '     current → etc/app.conf                     0 B symlink │Kind:     file',
      '   ▸ etc/                                      40 B dir     │Size:     9 (9 B)',
      '   ▸ var/                                   2.0 KiB dir     │Mode:     0644  uid 0  gid 0',
      '                                                            │Modified: 2023-11-14T22:13:20Z',
      '                                                            │',
      '                                                            │Snapshot metadata:',
      '                                                            │  writer: POSIX ustar (Go, moby, LXD)',
      '                                                            │  archive:',
      '                                                            │    compression: none',
      '                                                            │    members: 8',
      '                                                            │    kinds:',
      '                                                            │      dir: 3',
      '                                                            │      file: 4',
      '                                                            │      symlink: 1',
      '                                                            │    header_format: ustar',
      '                                                            │    pax: false',
      '                                                            │    end_marker: true',
      '                                                            │',
      '                                                            │',
      ' ? help · tab pane · q quit · 1/4',
    ]);
  });

  it('expands a folder with enter and searches names as they are typed', async () => {
    const app = await renderApp(await openBrowse(before));
    const expanded = lines(await app.press('G', 'k', KEY.enter));
    expect(expanded.slice(2, 8).concat(expanded.slice(-1))).toEqual([
      '     blob.bin                                   9 B file    │Path:     etc',
      '     current → etc/app.conf                     0 B symlink │Kind:     dir',
      '›  ▾ etc/                                      40 B dir     │Size:     0 (40 B in all)',
      '       app.conf                                32 B file    │Mode:     0755  uid 0  gid 0',
      '       motd                                     8 B file    │Modified: 2023-11-14T22:13:20Z',
      '   ▸ var/                                   2.0 KiB dir     │',
      ' ? help · tab pane · q quit · 3/6',
    ]);
    expect(
      lines(await app.press('/', 'o', 't'))
        .slice(2, 7)
        .concat(lines(app.lastFrame() ?? '').slice(-1)),
    ).toEqual([
      '     blob.bin                                   9 B file    │Path:     etc/motd',
      '     current → etc/app.conf                     0 B symlink │Kind:     file',
      '   ▾ etc/                                      40 B dir     │Size:     8 (8 B)',
      '       app.conf                                32 B file    │Mode:     0644  uid 0  gid 0',
      '›      m«ot»d                                   8 B file    │Modified: 2023-11-14T22:13:20Z',
      '/ot▏ (enter searches the whole tree)',
    ]);
  });

  it('pages a file as hex with x and closes the view with esc', async () => {
    const app = await renderApp(await openBrowse(before));
    expect(lines(await app.press('G', 'k', KEY.enter, 'j', 'x')).slice(2, 6)).toEqual([
      'etc/app.conf — hex (esc closes)',
      '00000000  70 6f 72 74 3d 38 30 0a  68 6f 73 74 3d 6c 6f 63  |port=80.host=loc|',
      '00000010  61 6c 68 6f 73 74 0a 6d  6f 64 65 3d 64 65 76 0a  |alhost.mode=dev.|',
      '',
    ]);
    expect(lines(await app.press(KEY.esc)).slice(2, 4)).toEqual([
      '     blob.bin                                   9 B file    │Path:     etc/app.conf',
      '     current → etc/app.conf                     0 B symlink │Kind:     file',
    ]);
  });

  it('draws the page map of a memory with the selected page as hex', async () => {
    const app = await renderApp(await openBrowse(join(repoRoot, 'fixtures/icp/icp-cli-snapshot')));
    expect(lines(await app.press('j', 'j', 'v', 'l', 'l')).slice(2, 10)).toEqual([
      'stable_memory.bin — page map, 64.0 KiB pages (arrows move, esc closes)',
      '███',
      'page 2 of 3 (1 per cell), offset 0x20000: data   (· zero  █ data)',
      '00020000  53 43 4c 01 0d 00 00 00  44 49 44 4c 00 01 71 05  |SCL.....DIDL..q.|',
      '00020010  68 65 6c 6c 6f 00 00 00  00 00 00 00 00 00 00 00  |hello...........|',
      '00020020  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|',
      '00020030  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|',
      '00020040  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|',
    ]);
  });

  it('wraps long details under their value instead of cutting them', async () => {
    const app = await renderApp(await openBrowse(join(repoRoot, 'fixtures/icp/icp-cli-snapshot')));
    const details = lines(await app.press('j', 'j')).map((line) => line.slice(61));
    // The modification time is the checkout's, so the lines from the note on are compared.
    const note = details.findIndex((line) => line.startsWith('Note:'));
    expect(details.slice(note, note + 7)).toEqual([
      'Note:     MemoryManager with 2 virtual',
      '          memories',
      'Attributes:',
      '  pages: 3',
      '  layout: ic-stable-structures',
      '          MemoryManager',
      '  layout_version: 1',
    ]);
  });

  it('shows hostile names and link targets as visible escapes, never as terminal commands', async () => {
    const hostile = writeTar(folder, 'hostile.tar', [
      { name: 'evil\u001b[2Jname', data: 'x', mode: 0o644, mtime: 1_700_000_000 },
      { name: 'link', type: '2', linkname: '\u001b]0;owned\u0007', mode: 0o777, mtime: 1_700_000_000 },
    ]);
    const frame = lines((await renderApp(await openBrowse(hostile))).lastFrame() ?? '');
    expect(frame.slice(2, 4).map((line) => line.slice(0, 60))).toEqual([
      '›    evil\\x1b[2Jname                            1 B file    ',
      '     link → \\x1b]0;owned\\x07                    0 B symlink ',
    ]);
    expect(frame.join('\n')).not.toContain('\u001b');
  });

  it('lists every key binding in the help overlay', async () => {
    const app = await renderApp(await openBrowse(before));
    expect(lines(await app.press('?')).slice(2, 6)).toEqual([
      'Keys (esc or ? closes)',
      '↑ k                move up',
      '↓ j                move down',
      '← h                collapse, or go to the parent',
    ]);
  });
});

describe('the diff view', () => {
  it('marks changes, hides unchanged entries and sums up the diff', async () => {
    const app = await renderApp(await openDiff(before, after));
    const frame = lines(await app.press('l'));
    expect(frame.slice(0, 9).concat(frame.slice(-1))).toEqual([
      '--- before.tar (tar, plain)  +++ after.tar (tar, plain)',
      'filter: changed · files: 1 added, 1 removed, 1 modified, 1 metadata only, -1.9 KiB',
      '›~ ▾ etc/                                      42 B dir     │Path:     etc',
      ' M     app.conf                                34 B file    │Kind:     dir',
      ' m     motd                                     8 B file    │Size:     0 (42 B in all)',
      ' ~ ▸ var/                                     100 B dir     │Mode:     0755  uid 0  gid 0',
      '                                                            │Modified: 2023-11-14T22:13:20Z',
      '                                                            │',
      '                                                            │Metadata: same',
      ' ? help · tab pane · q quit · 1/4',
    ]);
  });

  it('opens the filter line with f, where u shows unchanged entries and + - M m toggle change kinds', async () => {
    const app = await renderApp(await openDiff(before, after));
    const all = lines(await app.press('l', 'f', 'u'));
    expect(all.slice(1, 8).concat(all.slice(-1))).toEqual([
      'filter: all · files: 1 added, 1 removed, 1 modified, 1 metadata only, -1.9 KiB',
      '     blob.bin                                   9 B file    │Path:     etc',
      '     current → etc/app.conf                     0 B symlink │Kind:     dir',
      '›~ ▾ etc/                                      42 B dir     │Size:     0 (42 B in all)',
      ' M     app.conf                                34 B file    │Mode:     0755  uid 0  gid 0',
      ' m     motd                                     8 B file    │Modified: 2023-11-14T22:13:20Z',
      ' ~ ▸ var/                                     100 B dir     │',
      ' show: [x] + added  [x] - removed  [x] M modified  [x] m metadata  [x] u unchanged  · f closes',
    ]);
    const some = lines(await app.press('u', 'M', '-', 'f'));
    expect(some.slice(1, 5).concat(some.slice(-1))).toEqual([
      'filter: added, metadata · files: 1 added, 1 removed, 1 modified, 1 metadata only, -1.9 KiB',
      '›~ ▾ etc/                                      42 B dir     │Path:     etc',
      ' m     motd                                     8 B file    │Kind:     dir',
      ' ~ ▸ var/                                     100 B dir     │Size:     0 (42 B in all)',
      ' ? help · tab pane · q quit · 1/3',
    ]);
  });

  it('shows a changed text file as a unified diff, and side by side after v', async () => {
    const app = await renderApp(await openDiff(before, after));
    expect(lines(await app.press('l', 'j', 'v')).slice(2, 10)).toEqual([
      'etc/app.conf — unified diff (esc closes, v switches)',
      '--- a/etc/app.conf',
      '+++ b/etc/app.conf',
      '@@ -1,3 +1,3 @@',
      '-port=80',
      '+port=8080',
      ' host=localhost',
      ' mode=dev',
    ]);
    expect(lines(await app.press('v')).slice(2, 6)).toEqual([
      'etc/app.conf — side-by-side diff (esc closes, v switches)',
      'port=80                                          | port=8080',
      'host=localhost                                     host=localhost',
      'mode=dev                                           mode=dev',
    ]);
  });
});

describe('child snapshots and memory diffs', () => {
  it('lists the layers of an image with c and opens one with enter', async () => {
    const image = join(folder, 'image.tar');
    writeFileSync(image, buildImage('legacy', { layers: [[file('a.txt', 'one')], [file('b.txt', 'two')]] }));
    const model = await openBrowse(image);
    const app = render(createElement(Shell, { prepare: () => Promise.resolve(model), color: false }));
    const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 300));
    await pause();
    app.stdin.write('c');
    await pause();
    expect(
      lines(app.lastFrame() ?? '')
        .slice(2, 7)
        .map((line) => line.replace(/sha256:[0-9a-f]{64}/g, 'sha256:…')),
    ).toEqual([
      'Child snapshots of image.tar: enter opens, space marks, D diffs, esc closes',
      '  Selector  layers  diff_id                                                                  size  c',
      '› #merged   2       -                                                                        -     -',
      '  #layer:1  -       sha256:…  2048  n',
      '  #layer:2  -       sha256:…  2048  n',
    ]);
    app.stdin.write('j');
    await pause();
    app.stdin.write('\r');
    await pause();
    expect(lines(app.lastFrame() ?? '').slice(0, 3)).toEqual([
      'docker-image (layer) · image.tar: layer 1 of 2',
      '0 child snapshots · 0 diagnostics',
      '›    a.txt                                      3 B file    │Path:     a.txt',
    ]);
  });

  it('colours the page map of a changed memory by change: = same, M changed', async () => {
    const files = icpFolderFiles({ flavour: 'icp-cli', wasmPages: 6 });
    const memory = Uint8Array.from(files.get('wasm_memory.bin') ?? []);
    memory[2 * 65536 + 7] = (memory[2 * 65536 + 7] ?? 0) ^ 0xff;
    memory[5 * 65536] = (memory[5 * 65536] ?? 0) ^ 1;
    const [a, b] = [join(folder, 'icp-a'), join(folder, 'icp-b')];
    mkdirSync(a);
    mkdirSync(b);
    writeFiles(a, files);
    writeFiles(b, new Map([...files, ['wasm_memory.bin', memory]]));
    const app = await renderApp(await openDiff(a, b));
    expect(
      lines(app.lastFrame() ?? '')
        .slice(2, 7)
        .map((line) => line.slice(0, 60)),
    ).toEqual([
      '›m!  .lock [leftover]                           0 B file    ',
      ' m   metadata.json                          1.7 KiB file    ',
      ' ~ ▸ wasm_chunk_store/                      3.9 KiB dir     ',
      ' M   wasm_memory.bin                      384.0 KiB memory  ',
      ' m ▸ wasm_module.bin                          403 B file    ',
    ]);
    expect(lines(await app.press('j', 'j', 'j', 'v')).slice(2, 5)).toEqual([
      'wasm_memory.bin — page map, 64.0 KiB pages (arrows move, esc closes)',
      '==M==M',
      'page 0 of 6 (1 per cell), offset 0x0: same   (= same  M changed  + added  - removed)',
    ]);
    expect(lines(await app.press('l', 'l')).slice(4, 6)).toEqual([
      'page 2 of 6 (1 per cell), offset 0x20000: changed   (= same  M changed  + added  - removed)',
      `00020000  ${Array.from(memory.subarray(2 * 65536, 2 * 65536 + 8), (byte) => byte.toString(16).padStart(2, '0')).join(' ')}  ${Array.from(memory.subarray(2 * 65536 + 8, 2 * 65536 + 16), (byte) => byte.toString(16).padStart(2, '0')).join(' ')}  |${Array.from(memory.subarray(2 * 65536, 2 * 65536 + 16), (byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('')}|`,
    ]);
  });
});
