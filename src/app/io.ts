/** Where a command writes. The CLI wires process streams; tests pass collectors. */
export interface Sink {
  readonly isTTY: boolean;
  write(chunk: string | Uint8Array): Promise<void>;
}

export interface Io {
  stdout: Sink;
  stderr: Sink;
}

export async function writeLines(sink: Sink, lines: readonly string[]): Promise<void> {
  if (lines.length > 0) await sink.write(`${lines.join('\n')}\n`);
}
