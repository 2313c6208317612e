/**
 * Runs fuzz cases for the harness in a child process, so that a hang or a memory blow-up can be
 * killed from outside. Receives `CaseRequest`s over IPC, answers each with a `CaseReply`.
 */
import { runCase, type CaseRequest } from './case.js';

process.on('message', (request: CaseRequest) => {
  void runCase(request).then(
    (reply) => process.send?.(reply),
    (error: unknown) =>
      process.send?.({ id: request.id, problems: [`harness: ${String(error)}`], exits: [], peakRssMib: 0 }),
  );
});
process.send?.({ ready: true });
