// `npm run conformance [MIRROR_GIT_DIR…] [--dir FOLDER…]`: reads the public test corpora of other tar and
// zip readers with snapinspect and with the reference readers (GNU tar, unzip, Python's tarfile/zipfile),
// prints a table per corpus and writes test/conformance/RESULTS.md. The corpora are not fetched here
// (CI has no network): bring them with the session's fetch tool (bare git directories under
// /work/.mirror) or pass any folder of artifacts. Not part of `npm test`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundle, cliEntries } from './build.mjs';
import { corpora } from './conformance/artifacts.mjs';
import { differences, referenceView, snapinspectView } from './conformance/compare.mjs';
import { intendedReason } from './conformance/intended.mjs';
import { gnuTar, infoZip, python } from './conformance/references.mjs';
import { readWithSnapinspect, useBundle } from './conformance/snapinspect.mjs';

/** Members larger than this are compared by listing only (Go's sparse fixtures claim 60 GB). */
const BYTE_CAP = 64 * 1024 * 1024;
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const resultsFile = `${repoRoot}test/conformance/RESULTS.md`;

function parseArguments(argv) {
  const options = { mirrors: [], folders: [], mirrorRoot: '/work/.mirror' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dir') options.folders.push(argv[++i]);
    else if (argv[i] === '--mirror-root') options.mirrorRoot = argv[++i];
    else options.mirrors.push(argv[i]);
  }
  return options;
}

function referencesFor(artifact) {
  return artifact.kind === 'zip'
    ? [infoZip(artifact.file, BYTE_CAP), python('zip', artifact.file, BYTE_CAP)]
    : [gnuTar(artifact.file, BYTE_CAP), python('tar', artifact.file, BYTE_CAP)];
}

/** Compares one artifact: `{ verdict: 'match'|'differs'|'references', reasons }`. */
function compareArtifact(artifact) {
  const [first, second] = referencesFor(artifact);
  const reading = readWithSnapinspect(artifact.kind, artifact.file, BYTE_CAP);
  const mine = snapinspectView(reading);
  const [firstView, secondView] = [referenceView(first), referenceView(second)];
  const vsFirst = differences(mine, firstView, first.tool);
  const vsSecond = differences(mine, secondView, second.tool);
  const between = differences(firstView, secondView, second.tool);
  const troubled = [first, second].filter((reference) => !reference.ok);
  const mineFailed = reading.ok ? [] : [`snapinspect refuses: ${reading.complaint.replace(/^snapinspect: /, '')}`];
  if (troubled.length === 0 && between.length === 0) {
    const reasons = [...mineFailed, ...vsFirst];
    return { verdict: reasons.length === 0 ? 'match' : 'differs', reasons };
  }
  const trouble = troubled.map((reference) => `${reference.tool} complains: ${reference.complaint}`);
  if (between.length > 0) trouble.push(`${first.tool} and ${second.tool} differ: ${between[0]}`);
  const sides = [
    [first.tool, vsFirst],
    [second.tool, vsSecond],
  ];
  const agrees = sides.filter(([, reasons]) => reasons.length === 0).map(([tool]) => tool);
  const stance = agrees.length > 0 ? `snapinspect agrees with ${agrees.join(' and ')}` : `snapinspect: ${vsFirst[0]}`;
  return { verdict: 'references', reasons: [...trouble, ...mineFailed, stance] };
}

function runCorpus(corpus) {
  const rows = [];
  for (const artifact of corpus.artifacts()) {
    const started = Date.now();
    const result = compareArtifact(artifact);
    const reason = result.verdict === 'match' ? undefined : intendedReason(artifact.path);
    if (reason) Object.assign(result, { verdict: 'intended', reasons: [`on purpose: ${reason}`, ...result.reasons] });
    if (artifact.note) result.reasons.unshift(artifact.note);
    rows.push({ path: artifact.path, kind: artifact.kind, ...result });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(`  ${result.verdict.padEnd(10)} ${seconds.padStart(5)}s ${artifact.path}\n`);
  }
  return { label: corpus.label, missing: corpus.missing, rows };
}

function counts(rows) {
  const count = (verdict) => rows.filter((row) => row.verdict === verdict).length;
  const verdicts = ['match', 'differs', 'intended', 'references'];
  return [rows.length, ...verdicts.map(count)];
}

function table(results) {
  const lines = [
    '| corpus | artifacts | exact matches | differences | on purpose | reference tools disagree or complain |',
  ];
  lines.push('|---|---:|---:|---:|---:|---:|');
  for (const { label, missing, rows } of results)
    lines.push(
      missing ? `| ${label} | not fetched (no ${missing}) | | | | |` : `| ${label} | ${counts(rows).join(' | ')} |`,
    );
  lines.push(`| **all** | ${counts(results.flatMap((result) => result.rows)).join(' | ')} |`);
  return lines;
}

/** Control characters from hostile names as `\xNN`, so RESULTS.md stays a text file. */
function visible(text) {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

function details(results) {
  const lines = [];
  for (const { label, rows } of results) {
    const notable = rows.filter((row) => row.verdict !== 'match' || row.reasons.length > 0);
    if (notable.length === 0) continue;
    lines.push('', `### ${label}`, '');
    for (const row of notable) {
      const more = row.reasons.length > 3 ? ` (+${row.reasons.length - 3} more)` : '';
      const text = `- **${row.verdict}** \`${row.path}\`: ${row.reasons.slice(0, 3).join('; ')}${more}`;
      lines.push(visible(text));
    }
  }
  return lines;
}

function report(results) {
  const header = [
    '# Conformance with other readers’ test corpora',
    '',
    'Written by `npm run conformance` (scripts/conformance.mjs). References: GNU tar and Python tarfile for',
    'tars, unzip/zipinfo and Python zipfile for zips. Compared per member: path, kind, size of regular',
    'files, permission bits, uid/gid, link target, device numbers and the sha256 of the bytes.',
    '',
  ];
  return [...header, ...table(results), ...details(results), ''].join('\n');
}

async function main() {
  const scratch = mkdtempSync('/tmp/conformance-');
  try {
    // The same bundle as dist/, built apart so a test run rebuilding dist/ meanwhile cannot break this one.
    process.chdir(repoRoot);
    await bundle(cliEntries, `${scratch}/dist`);
    useBundle(`${scratch}/dist/snapinspect.mjs`);
    const results = [];
    for (const corpus of corpora({ ...parseArguments(process.argv.slice(2)), scratch })) {
      process.stderr.write(`${corpus.label}\n`);
      results.push(runCorpus(corpus));
    }
    const text = report(results);
    process.stdout.write(`${table(results).join('\n')}\n`);
    mkdirSync(`${repoRoot}test/conformance`, { recursive: true });
    writeFileSync(resultsFile, text);
    process.stdout.write(`details: ${resultsFile}\n`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
