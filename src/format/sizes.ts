const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** `1536` → `1.5 KiB`; exact bytes below 1 KiB. */
export function humanBytes(bytes: number | bigint): string {
  let value = Number(bytes);
  let unit = 0;
  // 1023.95 KiB would print as 1024.0 KiB; move up a unit instead.
  while (Math.abs(value) >= (unit === 0 ? 1024 : 1023.95) && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
