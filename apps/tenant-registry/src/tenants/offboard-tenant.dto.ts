import { offboardTenantRequestSchema } from '@enclave/contracts';
import { createZodDto } from 'nestjs-zod';

/** The schema lives in the contracts, shared with the intake topics: both doors refuse the same input. */
export class OffboardTenantDto extends createZodDto(offboardTenantRequestSchema) {}
