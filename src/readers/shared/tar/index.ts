export { looksLikeTar, TAR_DETECT_BYTES } from './header.js';
export { indexTar } from './index-source.js';
export { TarStreamParser, type TarStreamOptions } from './stream-parser.js';
export type { TarEntry, TarEntryKind, TarIndex } from './types.js';
export type { TarOptions } from './walker.js';
