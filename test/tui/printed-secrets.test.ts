/** Issue 14 (6): the viewer prints a configuration file through the same redactor as cat. */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { browseModel } from '../../src/tui/model.js';
import { openAddress } from '../../src/app/open.js';
import { tempDir } from '../helpers/cli.js';
import { file } from '../helpers/image-builder.js';
import { KEY, renderApp, writeTar } from '../helpers/tui-builder.js';

const lines = (frame: string): string[] => frame.split('\n').map((line) => line.trimEnd());
const tar = writeTar(tempDir('snapinspect-tui-secrets-'), 'config.tar', [
  file('app.yaml', 'port: 8080\napi_token: tok-planted\n'),
]);

afterEach(() => cleanup());

describe('the text viewer of a config file', () => {
  it('shows the credential redacted by default', async () => {
    const model = browseModel((await openAddress(tar, { showSecrets: false })).snapshot, 'hide');
    const app = await renderApp(model);
    const frame = lines(await app.press(KEY.enter));
    expect(frame.slice(3, 5)).toEqual(['1 │ port: 8080', '2 │ api_token: <redacted: --show-secrets reveals it>']);
  });

  it('shows it with --show-secrets', async () => {
    const model = browseModel((await openAddress(tar, { showSecrets: true })).snapshot, 'show');
    const app = await renderApp(model);
    expect(lines(await app.press(KEY.enter)).slice(3, 5)).toEqual(['1 │ port: 8080', '2 │ api_token: tok-planted']);
  });
});
