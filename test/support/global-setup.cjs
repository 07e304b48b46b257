// Starts each run with an empty record of the real servers it exercised.
const fs = require('node:fs');
const path = require('node:path');

module.exports = async () => {
  fs.rmSync(path.resolve(__dirname, '../../.cache/test-report/exercised.jsonl'), { force: true });
};
