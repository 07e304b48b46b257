import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { NamedOperatorTokens } from './named-operator-tokens';
import { OperatorAuthenticator } from './operator-authenticator';
import { OperatorToken } from './operator-token';
import { OperatorTokenGuard } from './operator-token.guard';
import { RequestActorInterceptor } from './request-actor.interceptor';

export interface OperatorAuthOptions {
  /** Where the app keeps named operator tokens; without it only the bootstrap token is accepted. */
  readonly namedTokens?: Type<NamedOperatorTokens>;
}

/** Puts every HTTP route of the app behind an operator token (OperatorTokenGuard). */
@Module({})
export class OperatorAuthModule {
  static forRoot(token: string, options: OperatorAuthOptions = {}): DynamicModule {
    const named: Provider[] = options.namedTokens
      ? [{ provide: NamedOperatorTokens, useClass: options.namedTokens }]
      : [];
    return {
      module: OperatorAuthModule,
      global: true,
      providers: [
        { provide: OperatorToken, useValue: new OperatorToken(token) },
        ...named,
        OperatorAuthenticator,
        { provide: APP_GUARD, useClass: OperatorTokenGuard },
        { provide: APP_INTERCEPTOR, useClass: RequestActorInterceptor },
      ],
      exports: [
        OperatorToken,
        OperatorAuthenticator,
        ...(options.namedTokens ? [NamedOperatorTokens] : []),
      ],
    };
  }
}
