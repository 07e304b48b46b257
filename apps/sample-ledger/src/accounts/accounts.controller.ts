import { TenantInterceptor } from '@enclave/tenancy-sdk';
import { Body, Controller, Get, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { ZodValidationPipe } from 'nestjs-zod';
import { TenantTraceInterceptor } from '../http/tenant-trace.interceptor';
import { accountAliasSchema } from './account-alias.schema';
import { GetBalanceUseCase } from './get-balance.use-case';
import { ListAccountsUseCase } from './list-accounts.use-case';
import { OpenAccountDto } from './open-account.dto';
import { OpenAccountUseCase } from './open-account.use-case';

/** Tenant routes: the token (multi-tenant mode) picks the database every query below runs in. */
@Controller('v1/accounts')
@UseInterceptors(TenantInterceptor, TenantTraceInterceptor)
export class AccountsController {
  constructor(
    private readonly openAccount: OpenAccountUseCase,
    private readonly listAccounts: ListAccountsUseCase,
    private readonly getBalance: GetBalanceUseCase,
  ) {}

  @Post()
  @HttpCode(201)
  open(@Body() body: OpenAccountDto) {
    return this.openAccount.execute(body);
  }

  @Get()
  list() {
    return this.listAccounts.execute();
  }

  @Get(':alias/balance')
  balance(@Param('alias', new ZodValidationPipe(accountAliasSchema)) alias: string) {
    return this.getBalance.execute(alias);
  }
}
