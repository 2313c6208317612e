const ENTER = '\x1b[?1049h\x1b[H\x1b[2J';
const LEAVE = '\x1b[?25h\x1b[?1049l';
const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

/**
 * Switches the terminal to the alternate screen and returns the function that switches back.
 * It runs once, whichever comes first: a normal end, an error, a signal or process exit.
 */
export function enterAlternateScreen(stdout: NodeJS.WriteStream): () => void {
  let active = true;
  const restore = (): void => {
    if (!active) return;
    active = false;
    stdout.write(LEAVE);
    process.off('exit', restore);
    for (const signal of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]) process.off(signal, onSignal);
  };
  const onSignal = (signal: keyof typeof SIGNALS): void => {
    restore();
    process.exit(128 + SIGNALS[signal]);
  };
  stdout.write(ENTER);
  process.on('exit', restore);
  for (const signal of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]) process.on(signal, onSignal);
  return restore;
}
