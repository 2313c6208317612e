/** Stable codes of fatal errors; scripts may match on them, so never rename one. */
export type ErrorCode =
  | 'USAGE'
  | 'NOT_FOUND'
  | 'UNKNOWN_FORMAT'
  | 'UNREADABLE'
  | 'BAD_SELECTOR'
  | 'NO_SUCH_ENTRY'
  | 'NOT_A_FILE'
  | 'LIMIT'
  | 'IO';

/** A fatal error: the command cannot produce a result. Shown as one line, exit status 2. */
export class SnapinspectError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SnapinspectError';
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
