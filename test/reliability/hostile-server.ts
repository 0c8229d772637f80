import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";

/**
 * Hostile loopback servers for the transport tests (issue #19 items 4 and 7, issue #23 item 10): each one
 * answers every request the same bad way and records what it was sent. Every stream they send is bounded
 * (a byte cap and a time cap), so a client that does not stop them still ends.
 */

export type Behaviour =
  /** 200 with a JSON body that never ends: 64 KiB chunks, as fast as the client reads. */
  | { kind: "endless" }
  /** 200 with a JSON body that trickles one byte every 100 ms. */
  | { kind: "trickle" }
  /** 302 to `location` (another listener), as a hijacked or misconfigured API would. */
  | { kind: "redirect"; location: string }
  /** 200 `{}` (or the given JSON): a plain receiver, to see who reaches it. */
  | { kind: "ok"; body?: unknown };

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
}

export interface HostileServer {
  url: string;
  /** A CA bundle file trusting the server's throwaway certificate (TLS servers only). */
  caBundle?: string;
  requests: SeenRequest[];
  /** Body bytes written to clients so far (what a client took before it hung up). */
  bytesSent(): number;
  close(): Promise<void>;
}

/** Bounds on anything a hostile server sends: it stops by itself. */
const maxStreamBytes = 512 * 1024 * 1024;
const maxStreamMs = 60_000;

async function certificate(): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    algorithm: "sha256",
    keySize: 2048,
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

export async function startHostile(
  behaviour: Behaviour,
  options: { tls?: boolean } = {},
): Promise<HostileServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let sent = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers });
    req.resume();
    const started = Date.now();
    const over = () => sent > maxStreamBytes || Date.now() - started > maxStreamMs || res.destroyed;
    switch (behaviour.kind) {
      case "redirect":
        res.writeHead(302, { location: new URL(req.url ?? "/", behaviour.location).toString() });
        res.end();
        return;
      case "ok":
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(behaviour.body ?? {}));
        return;
      case "endless": {
        res.writeHead(200, { "content-type": "application/json" });
        const chunk = Buffer.from(`${'{"id":"x"},'.repeat(5958)}`);
        res.write('{"value":[');
        const pump = () => {
          while (!over()) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.destroy();
        };
        pump();
        return;
      }
      case "trickle": {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"value":[');
        const timer = setInterval(() => {
          if (over()) {
            clearInterval(timer);
            res.destroy();
            return;
          }
          sent++;
          res.write(" ");
        }, 100);
        timers.add(timer);
        res.on("close", () => clearInterval(timer));
        return;
      }
    }
  };
  let server: Server;
  let caBundle: string | undefined;
  let dir: string | undefined;
  if (options.tls) {
    const pems = await certificate();
    dir = mkdtempSync(join(tmpdir(), "mfsw-hostile-"));
    caBundle = join(dir, "ca.pem");
    writeFileSync(caBundle, pems.cert, { mode: 0o600 });
    server = createHttpsServer(pems, handler);
  } else {
    server = createHttpServer(handler);
  }
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    ...(caBundle ? { caBundle } : {}),
    requests,
    bytesSent: () => sent,
    close: async () => {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface LoopbackProxy {
  url: string;
  /** `host:port` of every CONNECT tunnel asked for. */
  tunnels: string[];
  close(): Promise<void>;
}

/**
 * A forward proxy on loopback that only tunnels (HTTP CONNECT), to loopback targets only, recording each
 * target. HTTPS through a proxy is always a tunnel, so this is what every stack must use for an https URL.
 */
export async function startProxy(): Promise<LoopbackProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? "";
    tunnels.push(target);
    const [host, port] = [
      target.slice(0, target.lastIndexOf(":")),
      Number(target.slice(target.lastIndexOf(":") + 1)),
    ];
    if (host !== "127.0.0.1" && host !== "localhost") {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    const upstream = connect(port, "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
