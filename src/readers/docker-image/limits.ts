import { limitGroup } from '../../model/limits.js';

/** Limits of `docker save` and OCI image archives. */
export const imageLimits = limitGroup({
  indexDepth: { value: 5, help: 'levels of OCI image indexes in an image archive, index.json included' },
  imageLayers: { value: 1000, help: 'layers read from one image manifest' },
  imageManifests: {
    value: 10_000,
    help: 'images listed from one archive (manifest.json entries, or manifests reached through OCI indexes)',
  },
});

/** The values in force, read where each limit applies. */
export const limits = imageLimits.values;
