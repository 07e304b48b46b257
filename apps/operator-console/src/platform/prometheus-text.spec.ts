import { parsePrometheusText, sumOf } from './prometheus-text';

describe('parsePrometheusText', () => {
  const text = [
    '# HELP enclave_consumer_lag Messages behind',
    '# TYPE enclave_consumer_lag gauge',
    'enclave_consumer_lag{topic="a",partition="0"} 3',
    'enclave_consumer_lag{topic="b",partition="1"} 4',
    'enclave_outbox_backlog 7',
    'enclave_provisioning_duration_seconds_bucket{le="0.5",product="ledger",isolation_mode="SCHEMA"} 2',
    'enclave_provisioning_duration_seconds_bucket{le="+Inf",product="tracer",isolation_mode="SCHEMA"} 9',
  ].join('\n');

  it('reads names, labels and values, and sums what matches', () => {
    const samples = parsePrometheusText(text);
    expect(samples).toHaveLength(5);
    expect(sumOf(samples, 'enclave_consumer_lag')).toBe(7);
    expect(sumOf(samples, 'enclave_outbox_backlog')).toBe(7);
    expect(
      sumOf(samples, 'enclave_provisioning_duration_seconds_bucket', { product: 'ledger' }),
    ).toBe(2);
    expect(samples[4].labels).toEqual({ le: '+Inf', product: 'tracer', isolation_mode: 'SCHEMA' });
    expect(sumOf(samples, 'missing')).toBe(0);
  });
});
