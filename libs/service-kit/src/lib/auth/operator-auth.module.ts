import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { OperatorToken } from './operator-token';
import { OperatorTokenGuard } from './operator-token.guard';
import { RequestActorInterceptor } from './request-actor.interceptor';

/** Puts every HTTP route of the app behind the operator token (OperatorTokenGuard). */
@Module({})
export class OperatorAuthModule {
  static forRoot(token: string): DynamicModule {
    return {
      module: OperatorAuthModule,
      global: true,
      providers: [
        { provide: OperatorToken, useValue: new OperatorToken(token) },
        { provide: APP_GUARD, useClass: OperatorTokenGuard },
        { provide: APP_INTERCEPTOR, useClass: RequestActorInterceptor },
      ],
      exports: [OperatorToken],
    };
  }
}
