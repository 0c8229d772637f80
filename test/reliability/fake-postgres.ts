import { type AddressInfo, createServer, type Socket } from "node:net";

/**
 * A loopback server that speaks just enough of the PostgreSQL wire protocol (v3) to refuse a login the
 * way a real server does: no TLS (`N` to an SSLRequest), a cleartext password request, then
 * `28P01 password authentication failed`. It records the passwords it received, so a test can tell that
 * the client really sent the configured secret.
 */
export interface FakePostgres {
  port: number;
  passwords: string[];
  close(): Promise<void>;
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function refusal(user: string): Buffer {
  const field = (code: string, text: string) => Buffer.from(`${code}${text}\0`, "utf8");
  return message(
    "E",
    Buffer.concat([
      field("S", "FATAL"),
      field("V", "FATAL"),
      field("C", "28P01"),
      field("M", `password authentication failed for user "${user}"`),
      Buffer.from([0]),
    ]),
  );
}

export async function startFakePostgres(): Promise<FakePostgres> {
  const passwords: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buffer = Buffer.alloc(0);
    let started = false;
    let user = "";
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          const packet = buffer.subarray(8, length);
          buffer = buffer.subarray(length);
          if (code === 80877103) {
            socket.write("N");
            continue;
          }
          const parts = packet.toString("utf8").split("\0");
          user = parts[parts.indexOf("user") + 1] ?? "";
          started = true;
          // AuthenticationCleartextPassword
          const body = Buffer.alloc(4);
          body.writeInt32BE(3);
          socket.write(message("R", body));
          continue;
        }
        if (buffer.length < 5) return;
        const length = buffer.readInt32BE(1);
        if (buffer.length < length + 1) return;
        const type = buffer.toString("latin1", 0, 1);
        const body = buffer.subarray(5, length + 1);
        buffer = buffer.subarray(length + 1);
        if (type === "p") {
          passwords.push(body.toString("utf8").replace(/\0$/, ""));
          socket.end(refusal(user));
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    passwords,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
