import net from 'node:net';

export type AmqpOpenOutcome =
  | { readonly opened: true }
  | { readonly opened: false; readonly replyCode: number; readonly replyText: string };

const FRAME_END = 0xce;

/**
 * Opens an AMQP 0-9-1 connection by hand (start-ok, tune-ok, open) and reports what the broker
 * answered. amqplib drops the broker's reason when connection.open is refused ("Expected
 * ConnectionOpenOk; got <ConnectionClose>"); this keeps the reply code and text, so a test can tell
 * "access to vhost refused" (530) from a failed login (403) or a connection limit.
 */
export function amqpConnectionOpen(amqpUrl: string, timeoutMs = 5_000): Promise<AmqpOpenOutcome> {
  const url = new URL(amqpUrl);
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const vhost = url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : '/';
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port || 5672), url.hostname);
    let buffer = Buffer.alloc(0);
    const finish = (outcome: AmqpOpenOutcome | Error) => {
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () =>
      finish(new Error(`no AMQP answer from ${url.host} within ${timeoutMs} ms`)),
    );
    socket.on('error', finish);
    socket.on('connect', () => socket.write(Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1])));
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 8) {
        const size = buffer.readUInt32BE(3);
        if (buffer.length < 8 + size) return;
        const [type, payload] = [buffer.readUInt8(0), buffer.subarray(7, 7 + size)];
        buffer = buffer.subarray(8 + size);
        if (type !== 1) continue; // heartbeats and the like
        const method = `${payload.readUInt16BE(0)}.${payload.readUInt16BE(2)}`;
        if (method === '10.10') {
          // connection.start → start-ok: PLAIN "\0user\0password"; the capability asks the broker to
          // answer a failed login with connection.close (403) instead of just dropping the socket.
          socket.write(
            methodFrame(10, 11, [
              CLIENT_PROPERTIES,
              shortstr('PLAIN'),
              longstr(`\0${user}\0${password}`),
              shortstr('en_US'),
            ]),
          );
        } else if (method === '10.30') {
          // connection.tune → tune-ok with the broker's channel-max and frame-max, no heartbeat; then open
          socket.write(
            methodFrame(10, 31, [payload.subarray(4, 6), payload.subarray(6, 10), u16(0)]),
          );
          socket.write(methodFrame(10, 40, [shortstr(vhost), shortstr(''), Buffer.from([0])]));
        } else if (method === '10.41') {
          finish({ opened: true });
        } else if (method === '10.50') {
          const replyCode = payload.readUInt16BE(4);
          const replyText = payload.subarray(7, 7 + payload.readUInt8(6)).toString('utf8');
          finish({ opened: false, replyCode, replyText });
        } else {
          finish(new Error(`unexpected AMQP method ${method} during the handshake`));
        }
      }
    });
    socket.on('close', () =>
      finish(new Error(`${url.host} closed the connection during the AMQP handshake`)),
    );
  });
}

function methodFrame(classId: number, methodId: number, args: Buffer[]): Buffer {
  const payload = Buffer.concat([u16(classId), u16(methodId), ...args]);
  return Buffer.concat([
    Buffer.from([1]),
    u16(0),
    u32(payload.length),
    payload,
    Buffer.from([FRAME_END]),
  ]);
}

const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const shortstr = (s: string) => {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
};
const longstr = (s: string) => {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([u32(bytes.length), bytes]);
};
const field = (key: string, type: string, value: Buffer) =>
  Buffer.concat([shortstr(key), Buffer.from(type), value]);
const table = (...fields: Buffer[]) => {
  const body = Buffer.concat(fields);
  return Buffer.concat([u32(body.length), body]);
};
const CLIENT_PROPERTIES = table(
  field('capabilities', 'F', table(field('authentication_failure_close', 't', Buffer.from([1])))),
);
