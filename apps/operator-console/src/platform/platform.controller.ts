import { BadRequestException, Controller, Get, Param, Req } from '@nestjs/common';
import { productNameSchema } from '@enclave/contracts';
import type { Request } from 'express';
import { OperatorSession } from '../session/operator-session';
import { PlatformAppsReader } from './platform-apps.reader';

/** What the registry's API does not say: the apps' health and gauges, read from the apps. */
@Controller('api/platform')
export class PlatformController {
  constructor(
    private readonly session: OperatorSession,
    private readonly reader: PlatformAppsReader,
  ) {}

  @Get('apps')
  apps(@Req() request: Request) {
    return this.reader.apps(this.session.tokenOf(request));
  }

  @Get('provisioning-times/:product')
  provisioningTimes(@Req() request: Request, @Param('product') product: string) {
    this.session.tokenOf(request);
    const name = productNameSchema.safeParse(product);
    if (!name.success) throw new BadRequestException('not a product name');
    return this.reader.provisioningTimes(name.data);
  }
}
