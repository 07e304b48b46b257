import { tracesExporters } from './start-tracing';

describe('tracesExporters', () => {
  it('is off by default and for anything but otlp or console', () => {
    expect(tracesExporters({})).toEqual([]);
    expect(tracesExporters({ OTEL_TRACES_EXPORTER: 'none' })).toEqual([]);
    expect(tracesExporters({ OTEL_TRACES_EXPORTER: 'jaeger' })).toEqual([]);
  });

  it('names the exporters asked for', () => {
    expect(tracesExporters({ OTEL_TRACES_EXPORTER: 'otlp' })).toEqual(['otlp']);
    expect(tracesExporters({ OTEL_TRACES_EXPORTER: ' OTLP , console' })).toEqual([
      'otlp',
      'console',
    ]);
  });

  it('OTEL_SDK_DISABLED=true always wins', () => {
    expect(tracesExporters({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'TRUE' })).toEqual(
      [],
    );
    expect(tracesExporters({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'false' })).toEqual([
      'otlp',
    ]);
  });
});
