import type { Io, Sink } from './app/io.js';
import { errorLine, run } from './cli/main.js';
import { parseArgs, type Invocation } from './cli/parse.js';
import { tuiEnvironment, wantsTui } from './interactive.js';

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
  // Colour and Ink's live drawing are settled before Ink and its chalk read the environment.
  const settings = tuiEnvironment(process.env, Boolean(process.stdout.isTTY));
  Object.assign(process.env, settings);
  // Loaded only here, so plain commands never pay for Ink and React.
  const { startTui } = await import('./tui/start.js');
  const status = await startTui(invocation, settings.FORCE_COLOR !== '0').catch(async (error: unknown) => {
    await io.stderr.write(errorLine(error));
    return 2;
  });
  // Workers of an abandoned comparison must not keep the process alive after the UI is gone.
  process.exit(status);
} else {
  process.exitCode = await run(argv, io);
}
