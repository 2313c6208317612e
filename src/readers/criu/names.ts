/** Names of CRIU enum values and flag bits (images/*.proto, compel/include/uapi/task-state.h). */

type Names = Record<number, string>;

export const TASK_STATES: Names = { 1: 'alive', 2: 'dead', 3: 'stopped', 6: 'zombie' };
export const MACHINES: Names = {
  1: 'x86_64',
  2: 'arm',
  3: 'aarch64',
  4: 'ppc64',
  5: 's390',
  6: 'mips',
  7: 'loongarch64',
  8: 'riscv64',
};
export const LSM_TYPES: Names = { 0: 'none', 1: 'selinux', 2: 'apparmor' };
export const PRE_DUMP_MODES: Names = { 1: 'splice', 2: 'read' };
export const NETWORK_LOCK_METHODS: Names = { 1: 'iptables', 2: 'nftables', 3: 'skip' };
export const FD_TYPES: Names = {
  1: 'REG',
  2: 'PIPE',
  3: 'FIFO',
  4: 'INETSK',
  5: 'UNIXSK',
  6: 'EVENTFD',
  7: 'EVENTPOLL',
  8: 'INOTIFY',
  9: 'SIGNALFD',
  10: 'PACKETSK',
  11: 'TTY',
  12: 'FANOTIFY',
  13: 'NETLINKSK',
  14: 'NS',
  15: 'TUNF',
  16: 'EXT',
  17: 'TIMERFD',
  18: 'MEMFD',
  19: 'BPFMAP',
  20: 'PIDFD',
};

export const PAGEMAP_FLAGS: Names = { 1: 'PARENT', 2: 'LAZY', 4: 'PRESENT' };
export const VMA_FLAGS: Names = { 0x1: 'SHARED', 0x2: 'PRIVATE', 0x20: 'ANON', 0x100: 'GROWSDOWN' };
export const VMA_STATUS: Names = {
  0x1: 'REGULAR',
  0x2: 'STACK',
  0x4: 'VSYSCALL',
  0x8: 'VDSO',
  0x20: 'HEAP',
  0x40: 'FILE_PRIVATE',
  0x80: 'FILE_SHARED',
  0x100: 'ANON_SHARED',
  0x200: 'ANON_PRIVATE',
  0x400: 'SYSVIPC',
  0x800: 'SOCKET',
  0x1000: 'VVAR',
  0x2000: 'AIORING',
  0x4000: 'MEMFD',
};

/** An enum value by name; unknown values stay visible as numbers. */
export function enumName(names: Names, value: number): string {
  return names[value] ?? `unknown (${value})`;
}

/** Set bits by name, low to high; bits without a name are shown in hex. */
export function flagNames(names: Names, value: bigint): string[] {
  const result: string[] = [];
  let rest = BigInt.asUintN(64, value);
  for (let bit = 1n; rest !== 0n; bit <<= 1n) {
    if ((rest & bit) === 0n) continue;
    rest &= ~bit;
    result.push(names[Number(bit)] ?? `0x${bit.toString(16)}`);
  }
  return result;
}

export function protection(prot: bigint): string {
  return `${prot & 1n ? 'r' : '-'}${prot & 2n ? 'w' : '-'}${prot & 4n ? 'x' : '-'}`;
}

export function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/** Exact integers as numbers when they fit, bigints otherwise. */
export function exact(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}
