import { useEffect } from 'react';
import type { Dispatch } from './ui-state.js';
import { pageClasses, pageDump } from './loaders.js';
import { mapRows, type UiState } from './ui-state.js';

/** Builds the page map of the memory overlay (with progress, stopped when the overlay closes) and the selected page's dump. */
export function useMemoryEffects(state: UiState, dispatch: Dispatch): void {
  const overlay = state.overlay?.kind === 'memory' ? state.overlay : null;
  const entry = overlay?.entry;
  useEffect(() => {
    if (!entry) return;
    let cancelled = false;
    let lastReport = 0;
    const progress = (fraction: number): void => {
      if (Date.now() - lastReport < 50) return;
      lastReport = Date.now();
      dispatch({ type: 'memory', classes: null, progress: fraction });
    };
    pageClasses(entry, progress, () => cancelled)
      .then((classes) => {
        if (!cancelled) dispatch({ type: 'memory', classes, progress: 1 });
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [entry, dispatch]);

  const page = overlay?.map ? overlay.cursor * overlay.map.group : null;
  const needsDump = overlay !== null && overlay.map !== null && overlay.dump === null;
  const mapLines = Math.min(mapRows(state.height), Math.ceil((overlay?.map?.cells.length ?? 0) / state.mapWidth));
  const rows = Math.max(1, state.height - mapLines - 2);
  useEffect(() => {
    if (!entry || page === null || !needsDump) return;
    let current = true;
    pageDump(entry, page, rows)
      .catch(() => ['cannot read this page'])
      .then((lines) => {
        if (current) dispatch({ type: 'dump', lines });
      });
    return () => {
      current = false;
    };
  }, [entry, page, needsDump, rows, dispatch]);
}
