import { escapeForDisplay } from '../model/display.js';
import { maxOf } from '../model/arrays.js';

/** Left-aligned columns separated by two spaces, like `lxc info` and `multipass list` print them. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const cells = [header, ...rows].map((row) => row.map((cell) => escapeForDisplay(cell)));
  const widths = header.map((_, column) => maxOf(cells.map((row) => (row[column] ?? '').length)));
  return cells.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** `created_at` → `Created at`. */
export function columnTitle(key: string): string {
  const words = key.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
