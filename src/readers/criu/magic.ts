/** CRIU image magics (criu/include/magic.h; docs/formats/containers.md, CRIU). */
export const IMG_COMMON = 0x54564319;
export const IMG_SERVICE = 0x55105940;
export const INVENTORY = 0x58313116;
export const PSTREE = 0x50273030;
export const CORE = 0x55053847;
export const IDS = 0x54432030;
export const MM = 0x57492820;
export const PAGEMAP = 0x56084025;
export const VMAS = 0x54123737;
export const FILES = 0x56303138;
export const FDINFO = 0x56213732;
export const REG_FILES = 0x50363636;
export const STATS = 0x57093306;
const PIPES_DATA = 0x56453709;
const FIFO_DATA = 0x59333054;
const SK_QUEUES = 0x56264026;
const TCP_STREAM = 0x51465506;
const GHOST_FILE = 0x52583605;
const IPCNS_SHM = 0x46283044;
const IPCNS_MSG = 0x55453737;
const IPCNS_SEM = 0x59573019;

const NAMES = new Map<number, string>([
  [INVENTORY, 'INVENTORY'],
  [PSTREE, 'PSTREE'],
  [CORE, 'CORE'],
  [IDS, 'IDS'],
  [MM, 'MM'],
  [PAGEMAP, 'PAGEMAP'],
  [VMAS, 'VMAS'],
  [FILES, 'FILES'],
  [FDINFO, 'FDINFO'],
  [REG_FILES, 'REG_FILES'],
  [STATS, 'STATS'],
  [PIPES_DATA, 'PIPES_DATA'],
  [FIFO_DATA, 'FIFO_DATA'],
  [SK_QUEUES, 'SK_QUEUES'],
  [TCP_STREAM, 'TCP_STREAM'],
  [GHOST_FILE, 'GHOST_FILE'],
  [IPCNS_SHM, 'IPCNS_SHM'],
  [IPCNS_MSG, 'IPCNS_MSG'],
  [IPCNS_SEM, 'IPCNS_SEM'],
  [0x51403912, 'FS'],
  [0x55563928, 'MNTS'],
  [0x57373951, 'NETDEV'],
  [0x55933752, 'NETNS'],
  [0x54473203, 'UTSNS'],
  [0x53115007, 'IPC_VAR'],
  [0x59383330, 'CGROUP'],
  [0x59453036, 'TTY_INFO'],
  [0x59433025, 'TTY_FILES'],
  [0x59413026, 'TTY_DATA'],
  [0x64413049, 'SECCOMP'],
  [0x43114433, 'TIMENS'],
  [0x61157326, 'PIDNS'],
  [0x54023547, 'CREDS'],
  [0x55344201, 'SIGACT'],
  [0x58364939, 'FIFO'],
  [0x56443851, 'INETSK'],
  [0x54373943, 'UNIXSK'],
  [0x48453499, 'MEMFD_INODE'],
  [0x57004059, 'IRMAP_CACHE'],
  [0x56513555, 'PIPES'],
  [0x60454618, 'PACKETSK'],
  [0x57464056, 'ITIMERS'],
  [0x52603957, 'POSIX_TIMERS'],
  [0x59255641, 'EXT_FILES'],
  [0x59133954, 'REMAP_FPATH'],
  [0x44523722, 'EVENTFD_FILE'],
  [0x45023858, 'EVENTPOLL_FILE'],
  [0x44433746, 'EVENTPOLL_TFD'],
  [0x57323820, 'SIGNALFD'],
  [0x48424431, 'INOTIFY_FILE'],
  [0x54562009, 'INOTIFY_WD'],
  [0x54323616, 'FILE_LOCKS'],
  [0x57113925, 'RLIMIT'],
  [0x55096122, 'FANOTIFY_FILE'],
  [0x56506035, 'FANOTIFY_MARK'],
  [0x59255647, 'SIGNAL'],
  [0x58005614, 'NETLINK_SK'],
  [0x61394011, 'NS_FILES'],
  [0x57143751, 'TUNFILE'],
  [0x50493712, 'TIMERFD'],
  [0x61404013, 'CPUINFO'],
  [0x55474906, 'USERNS'],
  [0x67343323, 'BINFMT_MISC'],
  [0x49353943, 'AUTOFS'],
]);

export function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

export function magicName(magic: number): string | undefined {
  return NAMES.get(magic);
}

/** Which magic a file name promises, so a file that lies about its kind is caught. */
const EXPECTED: [RegExp, number][] = [
  [/^inventory\.img$/, INVENTORY],
  [/^pstree\.img$/, PSTREE],
  [/^core-\d+\.img$/, CORE],
  [/^mm-\d+\.img$/, MM],
  [/^pagemap-(?:shmem-)?\d+\.img$/, PAGEMAP],
  [/^ids-\d+\.img$/, IDS],
  [/^vmas-\d+\.img$/, VMAS],
  [/^files\.img$/, FILES],
  [/^fdinfo-\d+\.img$/, FDINFO],
  [/^reg-files\.img$/, REG_FILES],
  [/^stats-(?:dump|restore)$/, STATS],
  [/^fs-\d+\.img$/, 0x51403912],
  [/^mountpoints-\d+\.img$/, 0x55563928],
  [/^netns-\d+\.img$/, 0x55933752],
  [/^utsns-\d+\.img$/, 0x54473203],
  [/^ipcns-var-\d+\.img$/, 0x53115007],
  [/^cgroup\.img$/, 0x59383330],
  [/^tty-info\.img$/, 0x59453036],
  [/^seccomp\.img$/, 0x64413049],
  [/^timens-\d+\.img$/, 0x43114433],
  [/^fifo\.img$/, 0x58364939],
  [/^pipes-data\.img$/, PIPES_DATA],
  [/^tcp-stream-[0-9a-f]+\.img$/, TCP_STREAM],
  [/^ghost-file-[0-9a-f]+\.img$/, GHOST_FILE],
  [/^creds-\d+\.img$/, 0x54023547],
  [/^sigacts-\d+\.img$/, 0x55344201],
];

export function expectedMagic(name: string): number | undefined {
  return EXPECTED.find(([pattern]) => pattern.test(name))?.[1];
}

/** Images CRIU writes without any header: pages, `ip` dumps, firewall rules, tmpfs tarballs. */
const RAW =
  /^(?:pages-\d+\.img|(?:ifaddr|route6?|rule|iptables|ip6tables|nftables|netns-ct|netns-exp)-\d+\.img|tmpfs-(?:dev-)?\d+\.tar\.gz(?:\.img)?)$/;

export function rawImageKind(name: string): string | undefined {
  if (!RAW.test(name)) return undefined;
  if (name.startsWith('pages-')) return 'memory pages';
  if (name.startsWith('tmpfs-')) return 'tmpfs contents (tar.gz)';
  return `${name.replace(/-\d+\.img$/, '')} dump`;
}

/**
 * Extra bytes that follow an entry's payload in some images, as a function of that payload's
 * fields; 'rest' means the remainder of the file belongs to the entry.
 */
export type ExtraRule = { field: number; multiple?: number; align?: number } | 'rest';

const EXTRAS = new Map<number, ExtraRule>([
  [PIPES_DATA, { field: 2 }],
  [FIFO_DATA, { field: 2 }],
  [SK_QUEUES, { field: 2 }],
  [IPCNS_SEM, { field: 2, multiple: 2, align: 8 }],
  [TCP_STREAM, 'rest'],
  [GHOST_FILE, 'rest'],
  [IPCNS_SHM, 'rest'],
  [IPCNS_MSG, 'rest'],
]);

export function extraRule(magic: number): ExtraRule | undefined {
  return EXTRAS.get(magic);
}
