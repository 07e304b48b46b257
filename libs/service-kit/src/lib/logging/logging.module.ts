import { DynamicModule, Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import { TraceContext } from '../context/trace-context';
import { REDACTED_LOG_PATHS, maskUrlCredentials } from './secret-masking';

/** JSON logs on stdout: service name, tenantId and correlationId on every line, secrets redacted. */
@Module({})
export class LoggingModule {
  static forRoot(options: { service: string; level: string }): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: options.level,
            base: { service: options.service },
            messageKey: 'message',
            timestamp: () => `,"time":"${new Date().toISOString()}"`,
            formatters: { level: (label: string) => ({ level: label }) },
            redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
            mixin: () => ({ ...TraceContext.current() }),
            hooks: {
              // Errors from drivers quote connection strings; never let one reach a log line.
              logMethod(args, method) {
                method.apply(
                  this,
                  args.map((a) =>
                    typeof a === 'string' ? maskUrlCredentials(a) : a,
                  ) as typeof args,
                );
              },
            },
            genReqId: (req, res) => {
              const incoming = req.headers['x-correlation-id'];
              const id =
                typeof incoming === 'string' && /^[\w-]{8,64}$/.test(incoming)
                  ? incoming
                  : randomUUID();
              res.setHeader('x-correlation-id', id);
              return id;
            },
            customProps: (req) => ({ correlationId: req.id }),
            autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
