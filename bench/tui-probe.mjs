// Drives the terminal UI (bundled by npm run bench into bench/work/, React in production mode) on a fake 120 × 40 terminal and
// prints JSON timings: indexing, first frame, expanding the big folder, and key → frame latencies.
import { EventEmitter } from 'node:events';
import { clearTimeout, setTimeout } from 'node:timers';
import { render } from 'ink';
import { createElement } from 'react';
import { openAddress } from '../src/app/open.js';
import { App } from '../src/tui/app.js';
import { browseModel } from '../src/tui/model.js';
import { inkOptions } from '../src/tui/start.js';

class Terminal extends EventEmitter {
  columns = 120;
  rows = 40;
  isTTY = true;
  write(chunk) {
    this.emit('frame', chunk);
    return true;
  }
}

class Keyboard extends EventEmitter {
  isTTY = true;
  data = null;
  press(key) {
    this.data = key;
    this.emit('readable');
  }
  read() {
    const { data } = this;
    this.data = null;
    return data;
  }
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

/** When the next frame (with `containing` in it) is written; a key that draws nothing within 5 s is a failure. */
function nextFrame(terminal, containing = '') {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no frame with "${containing}" within 5 s`)), 5000);
    const listener = (chunk) => {
      if (!chunk.includes(containing)) return;
      terminal.off('frame', listener);
      clearTimeout(timer);
      resolve(performance.now());
    };
    terminal.on('frame', listener);
  });
}

const [tar, firstRow, expandedRow, ...keys] = process.argv.slice(2);
const indexStart = performance.now();
const model = browseModel((await openAddress(tar, { showSecrets: false })).snapshot);
const indexMs = performance.now() - indexStart;
const terminal = new Terminal();
const keyboard = new Keyboard();
const started = performance.now();
const first = nextFrame(terminal, firstRow);
const instance = render(createElement(App, { model, color: true }), {
  ...inkOptions,
  stdout: terminal,
  stdin: keyboard,
  stderr: terminal,
});
const firstFrameMs = (await first) - started;
const press = async (key, containing = '') => {
  const frame = nextFrame(terminal, containing);
  const pressed = performance.now();
  keyboard.press(key);
  return (await frame) - pressed;
};
const expandMs = await press('\r', expandedRow);
// Folder sizes are computed after an expand; let that finish so keys are timed on their own.
await new Promise((resolve) => setTimeout(resolve, 500));
const latencies = [];
for (const key of keys) latencies.push(await press(key));
instance.unmount();
process.stdout.write(JSON.stringify({ indexMs, firstFrameMs, expandMs, latencies }));
process.exit(0);
