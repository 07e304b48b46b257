import { tenantOffboardingLines } from './tenant-offboarding-lines';

describe('tenantOffboardingLines', () => {
  it('shows each registration as released or still being released, then the tenant', () => {
    expect(
      tenantOffboardingLines({
        id: 'acme',
        status: 'offboarding',
        services: [
          { product: 'ledger', state: 'deleted' },
          { product: 'tracer', state: 'deprovisioning' },
        ],
      }),
    ).toEqual(['  ✓ ledger  deleted', '  … tracer  deprovisioning', '  acme: offboarding']);
  });

  it('shows only the tenant when it has no registration', () => {
    expect(tenantOffboardingLines({ id: 'acme', status: 'deleted', services: [] })).toEqual([
      '  acme: deleted',
    ]);
  });
});
