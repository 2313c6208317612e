/**
 * A stand-in fuzz worker for the harness's own tests: case 1 hangs, case 2 eats memory, case 3
 * dies, case 4 reports a problem, later cases pass. Proves each kind of failure is caught.
 */
import type { CaseReply, CaseRequest } from './case.js';

const held: Buffer[] = [];

process.on('message', (request: CaseRequest) => {
  const reply: CaseReply = {
    id: request.id,
    problems: [],
    exits: [0],
    peakRssMib: process.resourceUsage().maxRSS / 1024,
  };
  if (request.id === 1) for (;;);
  if (request.id === 2) {
    for (let i = 0; i < 16; i++) held.push(Buffer.alloc(64 * 1024 * 1024, 1));
    return;
  }
  if (request.id === 3) process.exit(3);
  if (request.id === 4) reply.problems.push('info MUTATED: INTERNAL: made up');
  process.send?.(reply);
});
process.send?.({ ready: true });
