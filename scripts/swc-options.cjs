// One place that turns .swcrc + tsconfig paths into swc options, shared by the build and by jest,
// so the path aliases are declared once (tsconfig.base.json).
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function swcOptions() {
  const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
  const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
  delete swcrc.$schema;
  swcrc.jsc.baseUrl = root;
  swcrc.jsc.paths = tsconfig.compilerOptions.paths;
  swcrc.swcrc = false;
  return swcrc;
}

function tsPaths() {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
  return tsconfig.compilerOptions.paths;
}

module.exports = { root, swcOptions, tsPaths };
