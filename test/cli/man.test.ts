import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BARE_PATH, commands } from '../../src/cli/commands.js';
import { optionLabel } from '../../src/cli/help.js';
import { manPage, roffText } from '../../src/cli/man.js';
import { optionSpecs } from '../../src/cli/options.js';
import { repoRoot, tempDir } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  man?: string;
  files: string[];
};
const page = manPage(pkg.version);
const flat = (text: string): string => text.replace(/\s+/g, ' ');

describe('the man page source', () => {
  it('has a section per command and every option, escaped for roff', () => {
    const lines = page.split('\n');
    expect(lines[0]).toBe(`.TH SNAPINSPECT 1 "" "snapinspect ${pkg.version}" "User Commands"`);
    for (const command of commands) expect(lines, command.name).toContain(`.SS ${command.name}`);
    for (const spec of optionSpecs) expect(page, spec.long).toContain(`.B ${roffText(optionLabel(spec).trim())}`);
    // No text line can be taken for a request, and no bare hyphen can become a hyphenation point.
    const text = lines.filter((line) => !line.startsWith('.'));
    expect(text.filter((line) => line.startsWith("'"))).toEqual([]);
    expect(text.filter((line) => /(?<!\\)-/.test(line))).toEqual([]);
  });

  it('escapes what roff would read as requests or escapes', () => {
    expect(roffText(".TH x\n'br\na\\b --c")).toBe("\\&.TH x\n\\&'br\na\\eb \\-\\-c");
  });
});

const groff = spawnSync('groff', ['--version']).status === 0;
if (!groff) console.warn('SKIPPED man page rendering tests: groff is not installed');

describe.skipIf(!groff)('the man page rendered by groff', () => {
  const dir = tempDir('snapinspect-man-');
  const file = join(dir, 'snapinspect.1');
  writeFileSync(file, page);
  // -ww: every warning; -P-cbou: plain text, no overstrike bold or underline.
  const rendered = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-P-cbou', file], {
    encoding: 'utf8',
    env: { ...process.env, MANWIDTH: '80' },
  });

  it('renders without a warning', () => {
    expect(rendered.stderr).toBe('');
    expect(rendered.status).toBe(0);
  });

  it('shows every command usage, every option and the exit status', () => {
    const text = flat(rendered.stdout);
    for (const command of [BARE_PATH, ...commands])
      expect(text, command.usage).toContain(`snapinspect ${command.usage}`);
    for (const command of commands) expect(text, command.name).toContain(flat(command.about));
    for (const spec of optionSpecs) expect(text, spec.long).toContain(spec.long);
    expect(text).toContain('EXIT STATUS 0 success');
    expect(text).toContain('snapinspect completion fish > ~/.config/fish/completions/snapinspect.fish');
  });

  const man = spawnSync('man', ['--version']).status === 0;
  if (!man) console.warn('SKIPPED man -l test: man is not installed');
  it.skipIf(!man)('man -l shows it', () => {
    const shown = spawnSync('man', ['-l', file], {
      encoding: 'utf8',
      env: { ...process.env, MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat', MAN_KEEP_FORMATTING: '' },
    });
    expect(shown.stderr).toBe('');
    expect(shown.stdout).toContain('SNAPINSPECT(1)');
    expect(flat(shown.stdout.replace(/.\x08/g, ''))).toContain('snapinspect diff A B [--json]');
  });
});

describe('the installed man page', () => {
  it('package.json installs dist/snapinspect.1, which the package ships', () => {
    expect(pkg.man).toBe('./dist/snapinspect.1');
    expect(pkg.files).toContain('dist');
  });

  const built = existsSync(join(repoRoot, 'dist/snapinspect.mjs'));
  if (!built) console.warn('SKIPPED built man page test: dist/ is missing (npm test builds it first)');
  it.skipIf(!built)('the build wrote it from the current tables', () => {
    expect(readFileSync(join(repoRoot, 'dist/snapinspect.1'), 'utf8')).toBe(page);
  });
});
