import { Instant } from '../../../../model/metadata.js';

/**
 * A FAT date (and optional time) as an Instant. FAT records local wall-clock time with no zone, so
 * the fields are taken as UTC (mtools prints them unchanged the same way). A zero date means unset;
 * impossible fields (month 13, hour 25) give undefined rather than a made-up moment.
 */
export function fatTime(date: number, time = 0, hundredths = 0): Instant | undefined {
  if (date === 0) return undefined;
  const year = 1980 + (date >> 9);
  const month = (date >> 5) & 0x0f;
  const day = date & 0x1f;
  const hours = time >> 11;
  const minutes = (time >> 5) & 0x3f;
  const seconds = (time & 0x1f) * 2;
  if (month < 1 || month > 12 || day < 1 || hours > 23 || minutes > 59 || seconds > 59 || hundredths > 199)
    return undefined;
  const millis = Date.UTC(year, month - 1, day, hours, minutes, seconds) + hundredths * 10;
  if (new Date(millis).getUTCDate() !== day) return undefined;
  return new Instant(BigInt(millis) * 1_000_000n);
}
