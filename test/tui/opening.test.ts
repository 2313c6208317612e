import { EventEmitter } from 'node:events';
import { render } from 'ink';
import { createElement } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { SnapinspectError } from '../../src/model/errors.js';
import { framePace, openingStatus, withOpeningProgress } from '../../src/tui/opening.js';
import { Shell, type Prepare } from '../../src/tui/shell.js';
import { parseArgs } from '../../src/cli/parse.js';
import { inkOptions, startTui } from '../../src/tui/start.js';

/** A 100 × 24 terminal and keyboard, as ink-testing-library has, but with the instance's exit promise. */
class Terminal extends EventEmitter {
  columns = 100;
  rows = 24;
  isTTY = true;
  last = '';
  write(chunk: string): boolean {
    this.last = chunk;
    return true;
  }
}

class Keyboard extends EventEmitter {
  isTTY = true;
  data: string | null = null;
  press(key: string): void {
    this.data = key;
    this.emit('readable');
  }
  read(): string | null {
    const { data } = this;
    this.data = null;
    return data;
  }
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function renderShell(prepare: Prepare) {
  const terminal = new Terminal();
  const keyboard = new Keyboard();
  const instance = render(createElement(Shell, { prepare, color: false }), {
    ...inkOptions,
    debug: true,
    stdout: terminal as unknown as NodeJS.WriteStream,
    stdin: keyboard as unknown as NodeJS.ReadStream,
    stderr: terminal as unknown as NodeJS.WriteStream,
  });
  return { terminal, keyboard, instance };
}

describe('opening inside the UI', () => {
  it('writes what has been read of how much, or the time alone', () => {
    expect(openingStatus('big.tar', 12 * 1024 * 1024, 120 * 1024 * 1024, 1234)).toBe(
      'opening big.tar… 12.0 MiB read of 120.0 MiB · 1.2 s',
    );
    expect(openingStatus('folder', 2048, undefined, 50)).toBe('opening folder… 2.0 KiB read · 0.1 s');
    expect(openingStatus('folder', undefined, undefined, 2000)).toBe('opening folder… 2.0 s');
  });

  it('reports while the work runs and stops when it ends', async () => {
    // Timers and the clock are driven by the test: three reports in 250 ms (at 0, 0.1 and 0.2 s), then none.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
    try {
      const reports: string[] = [];
      const pending = withOpeningProgress(
        ['no\u001bsuch.tar'],
        (status) => reports.push(status),
        () => new Promise<number>((resolve) => setTimeout(() => resolve(42), 250)),
      );
      await vi.advanceTimersByTimeAsync(250);
      const value = await pending;
      const count = reports.length;
      await vi.advanceTimersByTimeAsync(1000);
      expect([value, count, reports.length]).toEqual([42, 3, count]);
      expect(reports[0]).toMatch(/^opening no\\x1bsuch\.tar… (\d+(\.\d)? [KMG]?i?B read · )?0\.0 s$/);
      expect(reports[2]).toMatch(/ 0\.2 s$/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('paces synchronous reads: a timer runs once a frame of time has gone by, not before', async () => {
    // The clock is driven by the test, so the frame boundary (16 ms) is exact, not a busy wait.
    let now = 1000;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const pace = framePace();
      let fired = 0;
      const arm = (): void => void setTimeout(() => fired++, 0);
      arm();
      await pace();
      now += 15;
      await pace();
      const early = fired;
      now += 1;
      await pace();
      const onTime = fired;
      // The frame starts again after the pause: the next one is 16 ms away.
      arm();
      now += 15;
      await pace();
      expect([early, onTime, fired]).toEqual([0, 1, 1]);
    } finally {
      clock.mockRestore();
    }
  });

  it('shows the opening frame, and q leaves before the snapshot is open', async () => {
    const { terminal, keyboard, instance } = renderShell((report) => {
      report('opening big.tar… 1.0 MiB read of 2.0 MiB · 0.3 s');
      return new Promise(() => undefined);
    });
    await pause(100);
    expect(terminal.last.split('\n').map((line) => line.trimEnd())).toEqual([
      'opening big.tar… 1.0 MiB read of 2.0 MiB · 0.3 s',
      'q quits',
    ]);
    keyboard.press('q');
    await expect(instance.waitUntilExit()).resolves.toBeUndefined();
  });

  it('ends the UI with the error when opening fails, for the caller to report after restoring the terminal', async () => {
    const { instance } = renderShell(() =>
      Promise.reject(new SnapinspectError('NOT_FOUND', 'no such file or folder: gone.tar')),
    );
    await expect(instance.waitUntilExit()).rejects.toThrow('no such file or folder: gone.tar');
  });
});

describe('--limit with the terminal UI', () => {
  it('rejects a bad limit as a usage error before the UI starts, as the text commands do', async () => {
    const error = await startTui(parseArgs(['--limit', 'bogus=1', 'some-path']), false).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SnapinspectError);
    expect((error as SnapinspectError).code).toBe('USAGE');
    expect((error as SnapinspectError).message).toMatch(/^--limit takes NAME=VALUE with NAME one of metadataBytes,/);
  });
});
