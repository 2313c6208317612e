import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { repoRoot, tempDir } from './helpers/cli.js';
import { AFTER, BEFORE, KEY, openBrowse, openDiff, renderApp, writeTar } from './helpers/tui-builder.js';

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
      "tar (plain) · before.tar",
      "writer: POSIX ustar (Go, moby, LXD) · 0 child snapshots · 0 diagnostics",
      "›    blob.bin                                   9 B file    │Path:     blob.bin",
      "     current → etc/app.conf                     0 B symlink │Kind:     file",
      "   ▸ etc/                                      40 B dir     │Size:     9 (9 B)",
      "   ▸ var/                                   2.0 KiB dir     │Mode:     0644  uid 0  gid 0",
      "                                                            │Modified: 2023-11-14T22:13:20Z",
      "                                                            │",
      "                                                            │Snapshot metadata:",
      "                                                            │  writer: POSIX ustar (Go, moby, LXD)",
      "                                                            │  archive:",
      "                                                            │    compression: none",
      "                                                            │    members: 8",
      "                                                            │    kinds:",
      "                                                            │      dir: 3",
      "                                                            │      file: 4",
      "                                                            │      symlink: 1",
      "                                                            │    header_format: ustar",
      "                                                            │    pax: false",
      "                                                            │    end_marker: true",
      "                                                            │",
      "                                                            │",
      " ? help · tab pane · q quit · 1/4",
    ]);
  });

  it('expands a folder with enter and searches names as they are typed', async () => {
    const app = await renderApp(await openBrowse(before));
    expect(lines(await app.press('G', 'k', KEY.enter))).toEqual([
      "tar (plain) · before.tar",
      "writer: POSIX ustar (Go, moby, LXD) · 0 child snapshots · 0 diagnostics",
      "     blob.bin                                   9 B file    │Path:     etc",
      "     current → etc/app.conf                     0 B symlink │Kind:     dir",
      "›  ▾ etc/                                      40 B dir     │Size:     0 (40 B in all)",
      "       app.conf                                32 B file    │Mode:     0755  uid 0  gid 0",
      "       motd                                     8 B file    │Modified: 2023-11-14T22:13:20Z",
      "   ▸ var/                                   2.0 KiB dir     │",
      "                                                            │Snapshot metadata:",
      "                                                            │  writer: POSIX ustar (Go, moby, LXD)",
      "                                                            │  archive:",
      "                                                            │    compression: none",
      "                                                            │    members: 8",
      "                                                            │    kinds:",
      "                                                            │      dir: 3",
      "                                                            │      file: 4",
      "                                                            │      symlink: 1",
      "                                                            │    header_format: ustar",
      "                                                            │    pax: false",
      "                                                            │    end_marker: true",
      "                                                            │",
      "                                                            │",
      " ? help · tab pane · q quit · 3/6",
    ]);
    expect(lines(await app.press('/', 'o', 't')).slice(2, 7).concat(lines(app.lastFrame() ?? '').slice(-1))).toEqual([
      "     blob.bin                                   9 B file    │Path:     etc/motd",
      "     current → etc/app.conf                     0 B symlink │Kind:     file",
      "   ▾ etc/                                      40 B dir     │Size:     8 (8 B)",
      "       app.conf                                32 B file    │Mode:     0644  uid 0  gid 0",
      "›      motd                                     8 B file    │Modified: 2023-11-14T22:13:20Z",
      "/ot▏",
    ]);
  });

  it('pages a file as hex with x and closes the view with esc', async () => {
    const app = await renderApp(await openBrowse(before));
    expect(lines(await app.press('G', 'k', KEY.enter, 'j', 'x')).slice(2, 6)).toEqual([
      "etc/app.conf — hex (esc closes)",
      "00000000  70 6f 72 74 3d 38 30 0a  68 6f 73 74 3d 6c 6f 63  |port=80.host=loc|",
      "00000010  61 6c 68 6f 73 74 0a 6d  6f 64 65 3d 64 65 76 0a  |alhost.mode=dev.|",
      "",
    ]);
    expect(lines(await app.press(KEY.esc)).slice(2, 4)).toEqual([
      "     blob.bin                                   9 B file    │Path:     etc/app.conf",
      "     current → etc/app.conf                     0 B symlink │Kind:     file",
    ]);
  });

  it('draws the page map of a memory with the selected page as hex', async () => {
    const app = await renderApp(await openBrowse(join(repoRoot, 'fixtures/icp/icp-cli-snapshot')));
    expect(lines(await app.press('j', 'j', 'v', 'l', 'l')).slice(2, 10)).toEqual([
      "stable_memory.bin — page map, 64.0 KiB pages (arrows move, esc closes)",
      "███",
      "page 2 of 3 (1 per cell), offset 0x20000: data   (· zero  █ data)",
      "00020000  53 43 4c 01 0d 00 00 00  44 49 44 4c 00 01 71 05  |SCL.....DIDL..q.|",
      "00020010  68 65 6c 6c 6f 00 00 00  00 00 00 00 00 00 00 00  |hello...........|",
      "00020020  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|",
      "00020030  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|",
      "00020040  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|",
    ]);
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
    expect(lines(await app.press('l'))).toEqual([
      "--- before.tar (tar, plain)  +++ after.tar (tar, plain)",
      "filter: changed · files: 1 added, 1 removed, 1 modified, 1 metadata only, -1.9 KiB",
      "›~ ▾ etc/                                      42 B dir     │Path:     etc",
      " M     app.conf                                34 B file    │Kind:     dir",
      " m     motd                                     8 B file    │Size:     0 (42 B in all)",
      " ~ ▸ var/                                     100 B dir     │Mode:     0755  uid 0  gid 0",
      "                                                            │Modified: 2023-11-14T22:13:20Z",
      "                                                            │",
      "                                                            │Metadata: same",
      "                                                            │",
      "                                                            │",
      "                                                            │",
      "                                                            │",
      "                                                            │",
      "                                                            │",
      "                                                            │",
      "                                                            │",
      "                                                            │",
      "                                                            │",
      "                                                            │",
      "                                                            │",
      "                                                            │",
      " ? help · tab pane · q quit · 1/4",
    ]);
  });

  it('shows unchanged entries too after f', async () => {
    const app = await renderApp(await openDiff(before, after));
    expect(lines(await app.press('l', 'f')).slice(1, 8)).toEqual([
      "filter: all · files: 1 added, 1 removed, 1 modified, 1 metadata only, -1.9 KiB",
      "     blob.bin                                   9 B file    │Path:     etc",
      "     current → etc/app.conf                     0 B symlink │Kind:     dir",
      "›~ ▾ etc/                                      42 B dir     │Size:     0 (42 B in all)",
      " M     app.conf                                34 B file    │Mode:     0755  uid 0  gid 0",
      " m     motd                                     8 B file    │Modified: 2023-11-14T22:13:20Z",
      " ~ ▸ var/                                     100 B dir     │",
    ]);
  });

  it('shows a changed text file as a unified diff, and side by side after v', async () => {
    const app = await renderApp(await openDiff(before, after));
    expect(lines(await app.press('l', 'j', 'v')).slice(2, 10)).toEqual([
      "etc/app.conf — unified diff (esc closes, v switches)",
      "--- a/etc/app.conf",
      "+++ b/etc/app.conf",
      "@@ -1,3 +1,3 @@",
      "-port=80",
      "+port=8080",
      " host=localhost",
      " mode=dev",
    ]);
    expect(lines(await app.press('v')).slice(2, 6)).toEqual([
      "etc/app.conf — side-by-side diff (esc closes, v switches)",
      "port=80                                          | port=8080",
      "host=localhost                                     host=localhost",
      "mode=dev                                           mode=dev",
    ]);
  });
});
