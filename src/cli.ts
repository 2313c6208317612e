import type { Io, Sink } from './app/io.js';
import { run } from './cli/main.js';

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

process.exitCode = await run(process.argv.slice(2), io);
