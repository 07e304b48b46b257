import fs from 'node:fs';
import path from 'node:path';

export type RealSystem = 'PostgreSQL' | 'Kafka' | 'MongoDB' | 'RabbitMQ' | 'Vault';

const REPORT_FILE = path.resolve(__dirname, '../../../../.cache/test-report/exercised.jsonl');

/**
 * Records that a test drove a real server, so the run can end by saying which systems it exercised
 * for real and which checks it could not perform (and why).
 */
export function recordExercised(system: RealSystem, detail: string): void {
  fs.mkdirSync(path.dirname(REPORT_FILE), { recursive: true });
  fs.appendFileSync(REPORT_FILE, `${JSON.stringify({ kind: 'exercised', system, detail })}\n`);
}

export function recordNotExercised(system: RealSystem, check: string, why: string): void {
  fs.mkdirSync(path.dirname(REPORT_FILE), { recursive: true });
  fs.appendFileSync(
    REPORT_FILE,
    `${JSON.stringify({ kind: 'skipped-check', system, check, why })}\n`,
  );
}

export const exercisedReportFile = REPORT_FILE;
