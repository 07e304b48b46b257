import { TenantInterceptor } from '@enclave/tenancy-sdk';
import { Body, Controller, Get, Param, Put, UseInterceptors } from '@nestjs/common';
import { ZodValidationPipe } from 'nestjs-zod';
import { accountAliasSchema } from '../accounts/account-alias.schema';
import { TenantTraceInterceptor } from '../http/tenant-trace.interceptor';
import { AccountMetadataDto } from './account-metadata.dto';
import { GetAccountMetadataUseCase } from './get-account-metadata.use-case';
import { SetAccountMetadataUseCase } from './set-account-metadata.use-case';

@Controller('v1/accounts/:alias/metadata')
@UseInterceptors(TenantInterceptor, TenantTraceInterceptor)
export class AccountMetadataController {
  constructor(
    private readonly setMetadata: SetAccountMetadataUseCase,
    private readonly getMetadata: GetAccountMetadataUseCase,
  ) {}

  @Put()
  put(
    @Param('alias', new ZodValidationPipe(accountAliasSchema)) alias: string,
    @Body() body: AccountMetadataDto,
  ) {
    return this.setMetadata.execute(alias, body);
  }

  @Get()
  get(@Param('alias', new ZodValidationPipe(accountAliasSchema)) alias: string) {
    return this.getMetadata.execute(alias);
  }
}
