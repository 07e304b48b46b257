/**
 * patches/kafkajs+2.2.4.patch: an idle kafkajs connection must not keep a timer armed. Upstream
 * re-arms a 1 ms timer forever (kafkajs #1556), ~20 % CPU per idle client on this machine.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue');

const quietLogger = { debug: () => undefined, warn: () => undefined, error: () => undefined };

const created: {
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests: () => void;
}[] = [];

function queue() {
  const q = new RequestQueue({
    instrumentationEmitter: null,
    maxInFlightRequests: 1,
    requestTimeout: 1_000,
    enforceRequestTimeout: true,
    clientId: 'spec',
    broker: 'localhost:0',
    logger: quietLogger,
    isConnected: () => true,
  });
  created.push(q);
  return q;
}

// Unpatched, the timer re-arms itself forever: stop it, or the failing run never exits.
afterEach(() => {
  for (const q of created.splice(0)) {
    clearTimeout(q.throttleCheckTimeoutId ?? undefined);
    q.scheduleCheckPendingRequests = () => undefined;
  }
});

describe('kafkajs RequestQueue (patched)', () => {
  it('arms no timer when nothing is pending and nothing is throttled', () => {
    const q = queue();
    q.scheduleCheckPendingRequests();
    expect({ timerArmed: q.throttleCheckTimeoutId !== null }).toEqual({ timerArmed: false });
  });

  it('still schedules a check while throttled with a request waiting', () => {
    const q = queue();
    q.throttledUntil = Date.now() + 50;
    q.pending.push({});
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).not.toBeNull();
  });
});
