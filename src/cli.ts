import type { Io, Sink } from './app/io.js';
import { errorLine, run } from './cli/main.js';
import { parseArgs, type Invocation } from './cli/parse.js';
import { wantsTui } from './interactive.js';

function processSink(stream: NodeJS.WriteStream): Sink {
  return {
    isTTY: Boolean(stream.isTTY),
    write: (chunk) =>
      new Promise((resolve, reject) => {
        stream.write(chunk, (error) => (error ? reject(error) : resolve()));
      }),
  };
}

const io: Io = { stdout: processSink(process.stdout), stderr: processSink(process.stderr) };

// A closed pipe (`snapinspect ls … | head`) is a normal end, not an error worth a message.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

const argv = process.argv.slice(2);

function parsed(): Invocation | undefined {
  try {
    return parseArgs(argv);
  } catch {
    // run() reports bad arguments in its usual way.
    return undefined;
  }
}

const invocation = parsed();
if (invocation && wantsTui(invocation, Boolean(process.stdin.isTTY), Boolean(process.stdout.isTTY))) {
  // Ink draws only the last frame when it guesses it runs in CI (a CI, CI_* or CONTINUOUS_INTEGRATION
  // variable, read as Ink loads). Both ends are a terminal here, so a person is watching: a shell on
  // a CI runner, or CI=true left in a profile, must still get a live UI.
  process.env.CI = 'false';
  // Loaded only here, so plain commands never pay for Ink and React.
  const { startTui } = await import('./tui/start.js');
  const status = await startTui(invocation).catch(async (error: unknown) => {
    await io.stderr.write(errorLine(error));
    return 2;
  });
  // Workers of an abandoned comparison must not keep the process alive after the UI is gone.
  process.exit(status);
} else {
  process.exitCode = await run(argv, io);
}
