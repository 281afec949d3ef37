/**
 * The readers moved to formats/ (issue 18); this file re-exports what logits-report.ts and
 * write.ts still import from here, until they import from formats/ themselves.
 */
export { describeFsError } from './formats/file.js';
export { NpyReader } from './formats/npy.js';
