import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { cli } from '../helpers/cli.js';

export function hasTool(tool: string): boolean {
  return spawnSync(tool, ['--version'], { encoding: 'utf8' }).status === 0;
}

/** The completion script for `shell`, as `snapinspect completion SHELL` prints it. */
export async function script(shell: string): Promise<string> {
  const { code, stdout, stderr } = await cli(['completion', shell]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return stdout;
}
