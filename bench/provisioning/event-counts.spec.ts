import { eventsPerRegistration, parseEventsHandled } from './event-counts';

const SCRAPE = `# HELP enclave_events_handled_total Events consumed
# TYPE enclave_events_handled_total counter
enclave_events_handled_total{topic="enclave.service.status-changed",type="ServiceStatusChanged",outcome="handled",service="tenant-registry"} 12
enclave_events_handled_total{topic="enclave.service.status-changed",type="ServiceStatusChanged",outcome="duplicate",service="tenant-registry"} 3
enclave_events_handled_total{topic="enclave.credentials.issued",type="CredentialsIssued",outcome="handled",service="tenant-registry"} 2
enclave_event_handler_duration_seconds_count{type="CredentialsIssued",outcome="handled",service="tenant-registry"} 2
`;

describe('parseEventsHandled', () => {
  it('counts handled events by type, leaving out duplicates and other metrics', () => {
    expect(parseEventsHandled(SCRAPE)).toEqual({ ServiceStatusChanged: 12, CredentialsIssued: 2 });
  });

  it('reads nothing from a scrape without the counter', () => {
    expect(parseEventsHandled('# nothing here\nprocess_cpu_seconds_total 1.5\n')).toEqual({});
  });
});

describe('eventsPerRegistration', () => {
  it('divides what each app handled in the window by the registrations', () => {
    const before = { 'tenant-registry': { ServiceStatusChanged: 12, CredentialsIssued: 2 } };
    const after = {
      'tenant-registry': { ServiceStatusChanged: 72, CredentialsIssued: 12 },
      'readiness-aggregator': { ServiceRegistered: 10 },
    };
    expect(eventsPerRegistration(before, after, 10)).toEqual({
      'tenant-registry': { total: 7, by_type: { ServiceStatusChanged: 6, CredentialsIssued: 1 } },
      // First seen after the window opened: all of it is the window's.
      'readiness-aggregator': { total: 1, by_type: { ServiceRegistered: 1 } },
    });
  });
});
