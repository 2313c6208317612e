import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { MetaRecord } from '../../model/metadata.js';
import type { ChildSnapshot, Snapshot } from '../../model/snapshot.js';
import { dirNode, type TreeNode } from '../../model/tree.js';
import type { Checkpoint } from './checkpoint.js';
import type { FdInfo, MmInfo, OpenFile, PstreeEntry, Vma } from './decode.js';
import { enumName, FD_TYPES, hex } from './names.js';
import { checkPagesSize, DEFAULT_PAGE_SIZE, inferPageSize, memoryNode, pageCounts, pagemapNode } from './pages.js';
import { uniqueNames } from '../shared/tree-names.js';
import { pushAll } from '../../model/arrays.js';

export interface ProcessView {
  nodes: TreeNode[];
  children: ChildSnapshot[];
}

const TASK_ALIVE = 1;
const TASK_STOPPED = 3;
const VMA_FILE = 0x40n | 0x80n;

/**
 * `processes/<pid> <comm>` for every task of pstree.img, with its mappings, pagemap, dumped
 * memory and open files; one child snapshot `#pid:<pid>` each. Problems go to `diagnostics`.
 */
export function processTree(checkpoint: Checkpoint, diagnostics: Diagnostic[]): ProcessView {
  const fallback = commonPageSize(checkpoint);
  const nodes: TreeNode[] = [];
  const children: ChildSnapshot[] = [];
  for (const entry of checkpoint.pstree) {
    const node = processNode(checkpoint, entry, fallback, diagnostics);
    nodes.push(node);
    children.push(processSnapshot(node, entry, diagnostics, () => taskFiles(checkpoint, entry)));
  }
  return { nodes: uniqueNames(nodes), children };
}

/** The page size every well-formed pages file agrees on, for the ones that are not. */
function commonPageSize(checkpoint: Checkpoint): number {
  for (const pagemap of checkpoint.pagemaps.values()) {
    const pages = pagemap.pagesId === undefined ? undefined : checkpoint.pages.get(pagemap.pagesId);
    const size = pages && inferPageSize(pageCounts(pagemap).present, pages);
    if (size !== undefined) return size;
  }
  return DEFAULT_PAGE_SIZE;
}

function processNode(
  checkpoint: Checkpoint,
  entry: PstreeEntry,
  fallback: number,
  diagnostics: Diagnostic[],
): TreeNode {
  const { pid } = entry;
  const core = checkpoint.cores.get(pid);
  const ids = core?.ids ?? checkpoint.ids.get(pid);
  const attrs: MetaRecord = {
    pid,
    ppid: entry.ppid,
    pgid: entry.pgid,
    sid: entry.sid,
    threads: entry.threads,
    ...core?.attrs,
  };
  if (ids?.files !== undefined) attrs.files_id = ids.files;
  if (ids?.vm !== undefined) attrs.vm_id = ids.vm;
  const children: TreeNode[] = [];
  const mm = checkpoint.mms.get(pid);
  const vmas = mm?.vmas.length ? mm.vmas : (checkpoint.vmas.get(pid) ?? []);
  if (mm || vmas.length > 0) children.push(mmNode(mm, vmas, checkpoint.files));
  pushAll(children, memoryNodes(checkpoint, pid, fallback, diagnostics));
  const fdKey = fileTableKey(checkpoint, entry);
  const fdinfo = fdKey === undefined ? undefined : checkpoint.fdinfos.get(fdKey);
  if (fdinfo) children.push(fdsNode(fdinfo, checkpoint.files));
  pushAll(diagnostics, missingImages(checkpoint, entry, core?.state, fdKey));
  const comm = core?.comm;
  const state = typeof attrs.state === 'string' ? `, ${attrs.state}` : '';
  return dirNode(comm === undefined ? String(pid) : `${pid} ${comm}`, children, {
    attrs,
    note: `process ${pid}${state}`,
  });
}

/** Images older than fdinfo_per_id keep one fdinfo image per task rather than per file table. */
function fileTableKey(checkpoint: Checkpoint, entry: PstreeEntry): number | undefined {
  const perId = checkpoint.inventory === undefined || checkpoint.inventory.fdinfo_per_id === true;
  const ids = checkpoint.cores.get(entry.pid)?.ids ?? checkpoint.ids.get(entry.pid);
  return perId ? ids?.files : entry.pid;
}

/**
 * The images of one task, whose diagnostics its child snapshot shows. Built when the child is
 * opened, not for every task at once: a task may have a million threads.
 */
function taskFiles(checkpoint: Checkpoint, entry: PstreeEntry): Set<string> {
  const { pid } = entry;
  const files = new Set([`core-${pid}.img`, `mm-${pid}.img`, `pagemap-${pid}.img`, `ids-${pid}.img`]);
  for (const tid of entry.threads) files.add(`core-${tid}.img`);
  const fdKey = fileTableKey(checkpoint, entry);
  if (fdKey !== undefined) files.add(`fdinfo-${fdKey}.img`);
  const pagesId = checkpoint.pagemaps.get(pid)?.pagesId;
  const pages = pagesId === undefined ? undefined : checkpoint.pages.get(pagesId);
  if (pages) files.add(pages.file);
  return files;
}

function memoryNodes(checkpoint: Checkpoint, pid: number, fallback: number, diagnostics: Diagnostic[]): TreeNode[] {
  const pagemap = checkpoint.pagemaps.get(pid);
  if (!pagemap) return [];
  const counts = pageCounts(pagemap);
  const pages = pagemap.pagesId === undefined ? undefined : checkpoint.pages.get(pagemap.pagesId);
  if (!pages) return [pagemapNode(pagemap, counts, fallback)];
  const pageSize = inferPageSize(counts.present, pages) ?? fallback;
  pushAll(diagnostics, checkPagesSize(pagemap, pages, counts.present, pageSize));
  return [pagemapNode(pagemap, counts, pageSize), memoryNode(pages, counts.present, pageSize)];
}

/** Images a restore of this task would need; dead and zombie tasks have no memory to restore. */
function missingImages(
  checkpoint: Checkpoint,
  entry: PstreeEntry,
  state: number | undefined,
  fdKey: number | undefined,
): Diagnostic[] {
  const wanted: string[] = [];
  if (state === TASK_ALIVE || state === TASK_STOPPED) wanted.push(`mm-${entry.pid}.img`, `pagemap-${entry.pid}.img`);
  const pagemap = checkpoint.pagemaps.get(entry.pid);
  if (pagemap?.pagesId !== undefined && pageCounts(pagemap).present > 0n) wanted.push(`pages-${pagemap.pagesId}.img`);
  const found = missingCores(checkpoint, entry);
  for (const name of wanted) {
    if (!checkpoint.names.has(name))
      found.push(
        diagnostic('error', 'CRIU_MISSING_IMAGE', `pstree.img names task ${entry.pid}, but ${name} is missing`, name),
      );
  }
  if (fdKey !== undefined && !checkpoint.names.has(`fdinfo-${fdKey}.img`)) {
    found.push(
      diagnostic(
        'warning',
        'CRIU_MISSING_IMAGE',
        `task ${entry.pid} uses file table ${fdKey}, but fdinfo-${fdKey}.img is missing`,
        `fdinfo-${fdKey}.img`,
      ),
    );
  }
  return found;
}

/**
 * One diagnostic for the missing core images of a task, naming the first and counting the rest:
 * a task of a million threads without their images would otherwise bury everything else.
 */
function missingCores(checkpoint: Checkpoint, entry: PstreeEntry): Diagnostic[] {
  let first: string | undefined;
  let more = 0;
  const seen = new Set<number>();
  for (const tid of [entry.pid, ...entry.threads]) {
    if (seen.has(tid)) continue;
    seen.add(tid);
    const name = `core-${tid}.img`;
    if (checkpoint.names.has(name)) continue;
    if (first === undefined) first = name;
    else more++;
  }
  if (first === undefined) return [];
  const rest = more > 0 ? ` (and ${more} more core images of its threads)` : '';
  const message = `pstree.img names task ${entry.pid}, but ${first} is missing${rest}`;
  return [diagnostic('error', 'CRIU_MISSING_IMAGE', message, first)];
}

function mmNode(mm: MmInfo | undefined, vmas: Vma[], files: Map<number, OpenFile>): TreeNode {
  const records = vmas.map((vma): TreeNode => {
    const file = vma.status & VMA_FILE ? files.get(Number(BigInt.asUintN(32, vma.shmid)))?.name : undefined;
    const attrs = file === undefined ? vma.attrs : { ...vma.attrs, file };
    const what = file ?? (Array.isArray(vma.attrs.status) ? vma.attrs.status.join(' ') : '');
    return {
      name: `${vma.start.toString(16)}-${vma.end.toString(16)}`,
      kind: 'record',
      size: 0,
      attrs,
      note: `${vma.attrs.prot} ${what}`,
    };
  });
  const attrs: MetaRecord = { ...(mm?.attrs ?? { vmas: vmas.length }) };
  const exe = typeof attrs.exe_file_id === 'number' ? files.get(attrs.exe_file_id)?.name : undefined;
  if (exe !== undefined) attrs.exe = exe;
  return dirNode('mm', uniqueNames(records), { attrs, note: `${vmas.length} memory mappings` });
}

function fdsNode(infos: FdInfo[], files: Map<number, OpenFile>): TreeNode {
  const records = [...infos]
    .sort((a, b) => a.fd - b.fd)
    .map((info): TreeNode => {
      const name = files.get(info.id)?.name;
      const attrs: MetaRecord = {
        fd: info.fd,
        type: enumName(FD_TYPES, info.type),
        id: info.id,
        flags: hex(BigInt(info.flags)),
      };
      if (name !== undefined) attrs.name = name;
      return { name: String(info.fd), kind: 'record', size: 0, attrs, note: name ?? enumName(FD_TYPES, info.type) };
    });
  return dirNode('fds', uniqueNames(records), { note: `${infos.length} open file descriptors` });
}

function processSnapshot(
  node: TreeNode,
  entry: PstreeEntry,
  diagnostics: Diagnostic[],
  filesOf: () => Set<string>,
): ChildSnapshot {
  const summary: MetaRecord = { pid: entry.pid, ppid: entry.ppid };
  for (const key of ['comm', 'state']) {
    const value = node.attrs[key];
    if (value !== undefined) summary[key] = value;
  }
  return {
    selector: `pid:${entry.pid}`,
    title: node.name,
    summary,
    open: async (): Promise<Snapshot> => {
      const files = filesOf();
      return {
        format: 'criu',
        variant: 'process',
        title: node.name,
        metadata: node.attrs,
        root: dirNode('', node.children ? await node.children() : []),
        children: [],
        diagnostics: diagnostics.filter((found) => found.path !== undefined && files.has(found.path)),
      };
    },
  };
}
