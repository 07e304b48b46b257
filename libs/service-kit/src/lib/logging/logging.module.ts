import { DynamicModule, Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { TraceContext } from '../context/trace-context';
import {
  REDACTED,
  REDACTED_LOG_PATHS,
  maskLogFields,
  maskSecrets,
  maskUrlCredentials,
} from './secret-masking';

// pino-http applies its standard serializers first, then these: what they make of a request, a
// response or an error is masked like every other field.
const serializers = { req: maskSecrets, res: maskSecrets, err: maskSecrets };
const serialized = new Set(Object.keys(serializers));

/** JSON logs on stdout: service name, tenantId and correlationId on every line, secrets redacted. */
@Module({})
export class LoggingModule {
  static forRoot(options: {
    service: string;
    level: string;
    /** Where lines go instead of stdout (a test capturing them). */
    stream?: DestinationStream;
  }): DynamicModule {
    const pinoHttp: Options = {
      level: options.level,
      base: { service: options.service },
      messageKey: 'message',
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      serializers,
      formatters: {
        level: (label: string) => ({ level: label }),
        // Secrets at any depth, in the fields of the line and in a child logger's bindings.
        log: (fields) => maskLogFields(fields, serialized),
        bindings: (bindings) => maskLogFields(bindings, serialized),
      },
      redact: { paths: REDACTED_LOG_PATHS, censor: REDACTED },
      mixin: () => ({ ...TraceContext.current() }),
      hooks: {
        // The message and its interpolation values; the fields object is the formatter's.
        logMethod(args, method) {
          const masked = args.map((a, i) =>
            typeof a === 'string' ? maskUrlCredentials(a) : i > 0 ? maskSecrets(a) : a,
          );
          // Given no message, pino would print the error's own, unmasked: give it the masked one.
          const implied = masked[1] === undefined ? impliedMessage(masked[0]) : undefined;
          if (implied !== undefined) masked[1] = maskUrlCredentials(implied);
          method.apply(this, masked as typeof args);
        },
      },
      genReqId: (req, res) => {
        const incoming = req.headers['x-correlation-id'];
        const id =
          typeof incoming === 'string' && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-correlation-id', id);
        return id;
      },
      customProps: (req) => ({ correlationId: req.id }),
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
    };
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: options.stream ? [pinoHttp, options.stream] : pinoHttp,
        }),
      ],
      exports: [LoggerModule],
    };
  }
}

/** The message pino takes from a line's error when the line has none (unmasked, so we give it). */
function impliedMessage(first: unknown): string | undefined {
  if (typeof first !== 'object' || first === null) return undefined;
  const fields = first as { err?: unknown; message?: unknown };
  const error = first instanceof Error ? first : fields.message === undefined ? fields.err : null;
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}
