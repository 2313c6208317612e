import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import type { FatGeometry } from './boot.js';

/** Entries of every data cluster plus the two reserved ones, in bytes of one FAT copy. */
export function neededFatBytes(geometry: FatGeometry): number {
  const entries = geometry.clusterCount + 2;
  if (geometry.type === 'fat12') return Math.ceil(entries * 1.5);
  return entries * (geometry.type === 'fat16' ? 2 : 4);
}

/** BPB values that contradict each other or the volume: cheap, so checked at open and by verify. */
export function geometryProblems(geometry: FatGeometry, volumeSize: number, where: string): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const problem = (severity: 'error' | 'warning', code: string, message: string): void => {
    problems.push(diagnostic(severity, code, `${where}: ${message}`, where));
  };
  const declared = geometry.totalSectors * geometry.sectorSize;
  if (volumeSize < declared)
    problem('error', 'FAT_TRUNCATED', `the boot sector declares ${declared} bytes but the volume holds ${volumeSize}`);
  if (geometry.clusterCount === 0)
    problem('error', 'FAT_NO_CLUSTERS', 'the BPB leaves no room for data clusters after the FATs and the root folder');
  if (geometry.fatBytes < neededFatBytes(geometry))
    problem(
      'error',
      'FAT_TABLE_TOO_SMALL',
      `each FAT holds ${geometry.fatBytes} bytes, too few for the entries of ${geometry.clusterCount} clusters (${neededFatBytes(geometry)} bytes)`,
    );
  if (geometry.type === 'fat32' && (geometry.rootCluster < 2 || geometry.rootCluster > geometry.clusterCount + 1))
    problem('error', 'FAT_ROOT_CLUSTER', `the root folder's cluster ${geometry.rootCluster} is no data cluster`);
  if (geometry.activeFat !== undefined && geometry.activeFat >= geometry.fatCount)
    problem('error', 'FAT_ACTIVE_FAT', `the active FAT is copy ${geometry.activeFat} of ${geometry.fatCount}`);
  return problems;
}
