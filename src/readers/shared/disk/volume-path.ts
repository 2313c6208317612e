/**
 * Where a finding inside a filesystem is, as an address of the snapshot: the volume's folder
 * (`p1`, `fs`) followed by the path inside it, so a user can `cat` or `ls` what was reported.
 */
export function volumePath(where: string, path: string): string {
  return path === '' ? where : `${where}/${path}`;
}
