import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { tempDir } from '../helpers/cli.js';
import { writeLxdDirPool } from '../helpers/lxd-builder.js';
import { KEY, openBrowse, renderApp } from '../helpers/tui-builder.js';

afterEach(() => cleanup());

describe('the diagnostics overlay', () => {
  it('lists what folders raised as the UI loaded them (sizes, expanding), besides what opening found', async () => {
    const instance = writeLxdDirPool(tempDir('snapinspect-tui-'), {
      files: { 'etc/hostname': 'web1\n', 'etc/loop': { link: 'loop' } },
    });
    const app = await renderApp(await openBrowse(instance));
    const loop = 'SYMLINK_LOOP etc/loop: symlink loop: etc/loop -> etc/loop';
    // Folder sizes load every folder, and loading etc finds the loop; opening the instance did not.
    await app.press(KEY.right);
    const overlay = await app.press('d');
    expect(overlay).toContain('Diagnostics (esc closes)');
    expect(overlay).toContain(loop);
  });
});
