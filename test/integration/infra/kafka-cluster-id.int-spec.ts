import { execFileSync } from 'node:child_process';
import path from 'node:path';

const COMMON = path.resolve(__dirname, '../../../scripts/lib/infra-common.sh');

/**
 * scripts/infra-up.sh formats each new Kafka with a random cluster id. One in 64 random ids starts
 * with "-", which kafka-storage read as an option: a private broker of the Kafka-crash test failed
 * to start that way in CI. Kafka's own ids never start with "-"; neither may ours.
 */
describe('infra_kafka_cluster_id (scripts/lib/infra-common.sh)', () => {
  it('gives 22-character base64url ids, none starting with "-", all different', () => {
    const ids = execFileSync(
      'bash',
      ['-c', `source "${COMMON}"; for i in $(seq 2000); do infra_kafka_cluster_id; echo; done`],
      { env: { ...process.env, INFRA_PROFILE: 'dev' }, encoding: 'utf8' },
    )
      .trim()
      .split('\n');

    expect(ids).toHaveLength(2_000);
    expect(ids.filter((id) => !/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(2_000);
  });
});
