import net from 'node:net';

/** A request as bytes on the wire: no client validates, encodes or normalises any part of it. */
export interface RawRequest {
  readonly method: string;
  /** The request target, sent byte for byte (already percent-encoded, or deliberately not). */
  readonly target: Buffer;
  /** Header lines as bytes (`name: value`), in order; framing headers are added by `sendRaw`. */
  readonly headers: readonly Buffer[];
  readonly body?: Buffer;
}

export interface RawAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * Sends one request on its own connection and reads the answer until the server closes it. Raw
 * sockets, because node's client refuses control characters and non-Latin-1 text in paths and
 * headers, which is exactly what the fuzzer sends.
 */
export function sendRaw(base: string, request: RawRequest, timeoutMs = 30_000): Promise<RawAnswer> {
  const url = new URL(base);
  const head = Buffer.concat([
    Buffer.from(`${request.method} `),
    request.target,
    Buffer.from(` HTTP/1.1\r\nhost: ${url.host}\r\nconnection: close\r\n`),
    ...request.headers.flatMap((line) => [line, Buffer.from('\r\n')]),
    Buffer.from(
      request.body === undefined ? '\r\n' : `content-length: ${request.body.length}\r\n\r\n`,
    ),
  ]);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server may close early (a refused header, a body too large) while the body is still
    // being written: what it answered before closing is what counts.
    socket.on('error', (error) => {
      if (chunks.length === 0) {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const answer = Buffer.concat(chunks).toString('utf8');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      if (!status) {
        reject(new Error(`not an HTTP answer: ${JSON.stringify(answer.slice(0, 200))}`));
        return;
      }
      const split = answer.indexOf('\r\n\r\n');
      resolve({ status: Number(status[1]), body: split < 0 ? '' : answer.slice(split + 4) });
    });
    socket.write(head);
    if (request.body !== undefined) socket.write(request.body);
  });
}
