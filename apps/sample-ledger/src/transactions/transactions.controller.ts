import { TenantInterceptor } from '@enclave/tenancy-sdk';
import { Body, Controller, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { TenantTraceInterceptor } from '../http/tenant-trace.interceptor';
import { PostTransactionDto } from './post-transaction.dto';
import { PostTransactionUseCase } from './post-transaction.use-case';

@Controller('v1/transactions')
@UseInterceptors(TenantInterceptor, TenantTraceInterceptor)
export class TransactionsController {
  constructor(private readonly postTransaction: PostTransactionUseCase) {}

  @Post()
  @HttpCode(201)
  post(@Body() body: PostTransactionDto) {
    return this.postTransaction.execute(body);
  }
}
