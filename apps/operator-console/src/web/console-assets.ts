import path from 'node:path';

/** The single-page app's files: plain ES modules, served as they are (no bundling step). */
export const PUBLIC_DIR = path.resolve(__dirname, '../../public');

/**
 * The UI library's browser builds, served from node_modules under stable names that the page's
 * import map points at (Preact and htm: components and hooks without a JSX compiler).
 */
export const VENDOR_MODULES: Record<string, string> = {
  'preact.mjs': require.resolve('preact'),
  'preact-hooks.mjs': require.resolve('preact/hooks'),
  'htm.mjs': require.resolve('htm').replace(/htm\.js$/, 'htm.module.js'),
};
