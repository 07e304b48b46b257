// Ends every run by saying which real servers it exercised and which checks it could not perform.
const fs = require('node:fs');
const path = require('node:path');

module.exports = async () => {
  const file = path.resolve(__dirname, '../../.cache/test-report/exercised.jsonl');
  const rows = fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
    : [];
  const exercised = new Map();
  const skipped = new Map();
  for (const row of rows) {
    if (row.kind === 'exercised') {
      exercised.set(row.system, new Set([...(exercised.get(row.system) ?? []), row.detail]));
    } else {
      skipped.set(`${row.system}: ${row.check}`, row.why);
    }
  }
  const lines = ['', 'Real systems exercised by this run:'];
  const all = ['PostgreSQL', 'Kafka', 'MongoDB', 'RabbitMQ', 'Vault'];
  for (const system of all) {
    const details = exercised.get(system);
    lines.push(
      `  ${details ? '✔' : '✘'} ${system}${details ? ` — ${[...details].join('; ')}` : ' — not exercised by the tests that ran'}`,
    );
  }
  if (skipped.size > 0) {
    lines.push('Checks that could not be performed here:');
    for (const [check, why] of skipped) lines.push(`  - ${check} — ${why}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
};
