import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { computeDiff } from '../../src/app/diff.js';
import { openAddress } from '../../src/app/open.js';
import { App } from '../../src/tui/app.js';
import { browseModel, diffModel, type ViewModel } from '../../src/tui/model.js';
import { buildTar, tarEntry, type TarEntrySpec } from './tar-builder.js';

const MTIME = 1_700_000_000;
const file = (name: string, data: string, mode = 0o644): TarEntrySpec => ({ name, data, mode, mtime: MTIME });
const dir = (name: string): TarEntrySpec => ({ name, type: '5', mode: 0o755, mtime: MTIME });

/** A volume tarball before a change: a config folder, a log folder and a binary file. */
export const BEFORE: TarEntrySpec[] = [
  dir('etc/'),
  file('etc/app.conf', 'port=80\nhost=localhost\nmode=dev\n'),
  file('etc/motd', 'welcome\n'),
  dir('var/'),
  dir('var/log/'),
  file('var/log/old.log', 'x'.repeat(2048)),
  file('blob.bin', '\u0000\u0001\u0002binary'),
  { name: 'current', type: '2', linkname: 'etc/app.conf', mode: 0o777, mtime: MTIME },
];

/** The same tarball after: one line of the config changed, a log rotated, a mode changed. */
export const AFTER: TarEntrySpec[] = [
  dir('etc/'),
  file('etc/app.conf', 'port=8080\nhost=localhost\nmode=dev\n'),
  file('etc/motd', 'welcome\n', 0o600),
  dir('var/'),
  dir('var/log/'),
  file('var/log/new.log', 'y'.repeat(100)),
  file('blob.bin', '\u0000\u0001\u0002binary'),
  { name: 'current', type: '2', linkname: 'etc/app.conf', mode: 0o777, mtime: MTIME },
];

export function writeTar(folder: string, name: string, entries: TarEntrySpec[]): string {
  const path = join(folder, name);
  writeFileSync(path, buildTar(entries.map(tarEntry)));
  return path;
}

export async function openBrowse(path: string): Promise<ViewModel> {
  return browseModel((await openAddress(path, { showSecrets: false })).snapshot, 'hide');
}

export async function openDiff(beforePath: string, afterPath: string): Promise<ViewModel> {
  const [before, after] = await Promise.all([
    openAddress(beforePath, { showSecrets: false }),
    openAddress(afterPath, { showSecrets: false }),
  ]);
  const result = await computeDiff(before.snapshot, after.snapshot, {
    ignoreMtime: false,
    dirMtimes: false,
    exclude: [],
    only: new Set(['files', 'memory', 'metadata']),
  });
  return diffModel(before.snapshot, after.snapshot, result, 'hide');
}

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for the rendered frame to stop changing, so the keys that follow reach the view now shown. */
export async function settleFrame(lastFrame: () => string | undefined): Promise<string> {
  let last = lastFrame();
  for (let quiet = 0; quiet < 3;) {
    await pause(15);
    const frame = lastFrame();
    quiet = frame === last ? quiet + 1 : 0;
    last = frame;
  }
  return last ?? '';
}

/** The app in ink-testing-library (100 columns, 24 rows), with key presses that wait for the frame to settle. */
export async function renderApp(model: ViewModel) {
  const app = render(createElement(App, { model, color: false }));
  const settle = (): Promise<string> => settleFrame(app.lastFrame);
  const press = async (...keys: string[]): Promise<string> => {
    for (const key of keys) {
      app.stdin.write(key);
      await settle();
    }
    return settle();
  };
  await settle();
  return { ...app, press, settle };
}

/** Escape sequences of keys for `press`. */
export const KEY = {
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  pageDown: '\u001b[6~',
  pageUp: '\u001b[5~',
  enter: '\r',
  esc: '\u001b',
  tab: '\t',
};
