import {
  AggregatorStatus,
  NOT_REGISTERED,
  READY_NOT_SEEN,
  buildOutcomeReport,
  maskTenant,
} from './registration-outcomes';

const REQUIRED = ['credentials', 'postgres', 'migrations', 'mongodb', 'rabbitmq'];
const done = { status: 'done' };
const status = (tenantId: string, over: Partial<AggregatorStatus> = {}): AggregatorStatus => ({
  tenantId,
  state: 'provisioning',
  required: REQUIRED,
  stages: {},
  ...over,
});

describe('buildOutcomeReport', () => {
  it('counts every submitted registration once: Ready, failed or late', () => {
    const report = buildOutcomeReport({
      submitted: ['t0', 't1', 't2', 't3', 't4'],
      ready: new Set(['t0', 't1', 'elsewhere']),
      failures: new Map([['t2', { stage: 'rabbitmq', reason: 'vhost t2 refused' }]]),
      statuses: [status('t3', { stages: { credentials: done, postgres: done, mongodb: done } })],
    });
    expect(report).toEqual({
      submitted: 5,
      ready: 2,
      failed: 1,
      late: 2,
      waiting_on: { [NOT_REGISTERED]: 1, migrations: 1, rabbitmq: 1 },
      failure_causes: { 'rabbitmq: vhost <tenant> refused': 1 },
    });
  });

  it('makes a histogram of the stages late registrations wait on, largest first', () => {
    const stages = { credentials: done, postgres: done, mongodb: done, migrations: done };
    const report = buildOutcomeReport({
      submitted: ['a', 'b', 'c'],
      ready: new Set(),
      failures: new Map(),
      statuses: [
        status('a', { stages }),
        status('b', { stages }),
        status('c', { stages: { credentials: done } }),
      ],
    });
    expect(report.late).toBe(3);
    expect(Object.entries(report.waiting_on)).toEqual([
      ['rabbitmq', 3],
      ['migrations', 1],
      ['mongodb', 1],
      ['postgres', 1],
    ]);
  });

  it('counts a registration Failed in the aggregator as failed, with its failed stages as causes', () => {
    const report = buildOutcomeReport({
      submitted: ['t-9'],
      ready: new Set(),
      failures: new Map(),
      statuses: [
        status('t-9', {
          state: 'failed',
          stages: {
            credentials: done,
            postgres: { status: 'failed', reason: 'role t_9_ledger: too many connections' },
          },
        }),
      ],
    });
    expect(report).toMatchObject({ failed: 1, late: 0, waiting_on: {} });
    expect(report.failure_causes).toEqual({
      'postgres: role <tenant>_ledger: too many connections': 1,
    });
  });

  it('tells a registration whose stages are all done but whose ServiceReady was not seen', () => {
    const stages = Object.fromEntries(REQUIRED.map((s) => [s, done]));
    const report = buildOutcomeReport({
      submitted: ['a'],
      ready: new Set(),
      failures: new Map(),
      statuses: [status('a', { state: 'ready', stages })],
    });
    expect(report.waiting_on).toEqual({ [READY_NOT_SEEN]: 1 });
  });

  it('counts refusals by the API as failures at stage api, one cause for all tenants', () => {
    const failures = new Map(
      ['x1', 'x2'].map((t) => [t, { stage: 'api', reason: `register: 503 ${t} unavailable` }]),
    );
    const report = buildOutcomeReport({
      submitted: ['x1', 'x2'],
      ready: new Set(),
      failures,
      statuses: [],
    });
    expect(report.failure_causes).toEqual({ 'api: register: 503 <tenant> unavailable': 2 });
  });
});

describe('maskTenant', () => {
  it('masks the tenant as given and as resource names spell it, and cuts long reasons', () => {
    expect(maskTenant('schema T1_abc.x for t1-abc', 't1-abc')).toBe(
      'schema <tenant>.x for <tenant>',
    );
    expect(maskTenant('x'.repeat(300), 't')).toHaveLength(201);
  });
});
