import type { RegistrationView } from '../api/registration.view';

/** The parts of a tenant `tenants offboard --wait` follows. */
export interface OffboardingTenantView {
  readonly id: string;
  readonly status: string;
  readonly services?: readonly Pick<RegistrationView, 'product' | 'state'>[];
}

const MARK: Readonly<Record<string, string>> = { deleted: '✓', deprovisioning: '…' };

/** One line per registration being released, then the tenant's status: what `--wait` shows. */
export function tenantOffboardingLines(tenant: OffboardingTenantView): string[] {
  const services = tenant.services ?? [];
  const width = Math.max(0, ...services.map((s) => s.product.length));
  return [
    ...services.map((s) => `  ${MARK[s.state] ?? '?'} ${s.product.padEnd(width)}  ${s.state}`),
    `  ${tenant.id}: ${tenant.status}`,
  ];
}
