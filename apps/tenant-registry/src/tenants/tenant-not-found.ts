import { NotFoundException } from '@nestjs/common';

export class TenantNotFound extends NotFoundException {
  constructor(tenantId: string) {
    super(`tenant ${tenantId} does not exist`);
  }
}
