import type { RegistrationView } from '../api/registration.view';
import { stageLines } from './stage-lines';

describe('stageLines', () => {
  it('shows each stage with its status, duration and reason, then the state', () => {
    const registration = {
      tenantId: 'acme',
      product: 'ledger',
      state: 'failed',
      conditions: [
        { stage: 'credentials', status: 'done', reason: null, durationMs: 40 },
        {
          stage: 'postgres',
          status: 'failed',
          reason: 'database owned by postgres',
          durationMs: 90,
        },
        { stage: 'migrations', status: 'pending', reason: null, durationMs: null },
      ],
    } as unknown as RegistrationView;
    expect(stageLines(registration)).toEqual([
      '  ✓ credentials  done 40 ms',
      '  ✗ postgres     failed 90 ms  database owned by postgres',
      '  … migrations   pending',
      '  acme/ledger: failed',
    ]);
  });
});
