import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { generate } from "selfsigned";

/**
 * What every provider emulator shares: a loopback HTTP(S) server, a log of what it received, scripted
 * faults, and optional latency. The vendor behaviour (paging, auth, errors) lives in each provider's
 * `emulator.ts`.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A scripted misbehaviour for requests whose path matches. */
export type Fault =
  | { kind: "status"; status: number; headers?: Record<string, string>; body?: unknown }
  /** 200 with a body that is not what the API documents (truncated JSON, HTML, wrong shape). */
  | { kind: "body"; body: string; contentType?: string }
  /** The connection is reset before any response. */
  | { kind: "reset" }
  /** The server never answers (until it is closed): for timeouts. */
  | { kind: "hang" }
  /** The real answer, but only after `ms` (a slow server: past the client's timeout, or just under it). */
  | { kind: "delay"; ms: number }
  /**
   * The real answer, changed on the way out: for faults that depend on the vendor's paging format (a page
   * that repeats its own next link, an empty page with a next link), which only the test knows.
   */
  | { kind: "rewrite"; rewrite: (answer: EmulatorResponse, req: EmulatorRequest) => EmulatorResponse };

export interface FaultRule {
  /** Matched against the path without the query string. */
  path: string | RegExp;
  method?: string;
  /** How many matching requests get the fault (default 1). */
  times?: number;
  /** Matching requests to let through before the fault starts (default 0). */
  after?: number;
  fault: Fault;
}

export interface EmulatorRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
  /** Absolute base URL of this emulator (`http://127.0.0.1:PORT`), for absolute next links. */
  baseUrl: string;
  /**
   * The fault rules' verdict for a request carried inside this one (a JSON batch's inner requests), so a
   * fault on a path holds however the client asks for it.
   */
  innerFault?: (method: string, path: string) => Fault | undefined;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type EmulatorHandler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

export interface EmulatorOptions {
  /** Serve HTTPS with a throwaway certificate for 127.0.0.1/localhost (Graph's client requires https). */
  tls?: boolean;
  /**
   * DNS names the throwaway certificate is issued for instead of 127.0.0.1/localhost: a certificate for
   * another name, to test that a client refuses it (TLS name mismatch) even when it trusts the issuer.
   */
  tlsNames?: string[];
  faults?: FaultRule[];
  /** Added to every response, for benchmarks (default 0: the demo and tests run without it). */
  latencyMs?: number;
  /**
   * Called as each answer is sent, with its status and body: benchmarks count what was served and
   * throttled (a JSON batch's inner answers are in its body).
   */
  onResponse?: (request: RecordedRequest, status: number, body?: unknown) => void;
}

/**
 * A rate limit an emulator enforces, as the vendor documents it (each emulator states its own in
 * `documented.rateLimits`); benchmarks derive their lower bound from these, so the bound and the emulator
 * cannot disagree.
 */
export interface DocumentedRateLimit {
  /** Requests admitted per window. */
  cap: number;
  windowMs: number;
  /**
   * "sliding": a request is admitted while fewer than `cap` were admitted in the `windowMs` before it;
   * "aligned": windows start at multiples of `windowMs` on the clock (a fresh budget at each).
   */
  window: "sliding" | "aligned";
  /** Whose requests share it: one tenant's (org's, quota user's), or one app's across every tenant. */
  per: "tenant" | "app";
  /** Where the number comes from. */
  source: string;
}

export interface RunningEmulator {
  url: string;
  /** PEM of the certificate when `tls` is on, to trust as a CA bundle. */
  certificate?: string;
  requests: RecordedRequest[];
  /** Adds fault rules at run time. */
  inject(...rules: FaultRule[]): void;
  close(): Promise<void>;
}

/**
 * A 2048-bit RSA key costs a few hundred milliseconds of CPU; every emulator of one process serving the
 * same names shares one throwaway certificate (a test that needs another name asks for it).
 */
const certificates = new Map<string, ReturnType<typeof generate>>();
function throwawayCertificate(names: string[] | undefined): ReturnType<typeof generate> {
  const key = names?.join("\n") ?? "";
  let pems = certificates.get(key);
  if (!pems) {
    pems = generate([{ name: "commonName", value: names?.[0] ?? "127.0.0.1" }], {
      algorithm: "sha256",
      keySize: 2048,
      extensions: [
        { name: "basicConstraints", cA: true },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
        {
          name: "subjectAltName",
          altNames: names
            ? names.map((value) => ({ type: 2, value }))
            : [
                { type: 7, ip: "127.0.0.1" },
                { type: 2, value: "localhost" },
              ],
        },
      ],
    });
    certificates.set(key, pems);
    pems.catch(() => certificates.delete(key));
  }
  return pems;
}

export async function startEmulator(
  handler: EmulatorHandler,
  options: EmulatorOptions = {},
): Promise<RunningEmulator> {
  const requests: RecordedRequest[] = [];
  const rules = [...(options.faults ?? [])].map((rule) => ({ rule, seen: 0, fired: 0 }));
  const sockets = new Set<Socket>();
  let baseUrl = "";

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void respond(req, res, Buffer.concat(chunks).toString("utf8"));
    });
  };

  async function respond(req: IncomingMessage, res: ServerResponse, body: string) {
    const url = new URL(req.url ?? "/", baseUrl);
    const method = req.method ?? "GET";
    const recorded: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
    };
    requests.push(recorded);
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));

    const fault = takeFault(method, url.pathname);
    if (fault?.kind === "reset") return req.socket.destroy();
    if (fault?.kind === "hang") return;
    if (fault?.kind === "delay") await new Promise((r) => setTimeout(r, fault.ms));
    if (req.socket.destroyed) return;
    if (fault?.kind === "body") {
      options.onResponse?.(recorded, 200);
      res.writeHead(200, { "content-type": fault.contentType ?? "application/json" });
      return res.end(fault.body);
    }
    let answer: EmulatorResponse;
    const request: EmulatorRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      baseUrl,
      innerFault: takeFault,
    };
    try {
      answer =
        fault?.kind === "status"
          ? { status: fault.status, headers: fault.headers, body: fault.body }
          : await handler(request);
      if (fault?.kind === "rewrite") answer = fault.rewrite(answer, request);
    } catch (err) {
      answer = { status: 500, body: { error: `emulator: ${(err as Error).message}` } };
    }
    options.onResponse?.(recorded, answer.status, answer.body);
    const headers: Record<string, string> = { date: new Date().toUTCString(), ...answer.headers };
    if (answer.body === undefined) {
      res.writeHead(answer.status, headers);
      return res.end();
    }
    const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status, { "content-type": "application/json; charset=UTF-8", ...headers });
    res.end(text);
  }

  /** Every matching rule counts the request (so `after` means "after N matching requests"); the first due fires. */
  function takeFault(method: string, path: string): Fault | undefined {
    const matching = rules.filter(
      ({ rule }) =>
        (!rule.method || rule.method === method) &&
        (typeof rule.path === "string" ? rule.path === path : rule.path.test(path)),
    );
    for (const entry of matching) entry.seen++;
    const due = matching.find((e) => e.seen > (e.rule.after ?? 0) && e.fired < (e.rule.times ?? 1));
    if (!due) return undefined;
    due.fired++;
    return due.rule.fault;
  }

  let server: Server;
  let certificate: string | undefined;
  if (options.tls) {
    const pems = await throwawayCertificate(options.tlsNames);
    certificate = pems.cert;
    server = createHttpsServer({ key: pems.private, cert: pems.cert }, listener);
  } else {
    server = createHttpServer(listener);
  }
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `${options.tls ? "https" : "http"}://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    certificate,
    requests,
    inject: (...more) => {
      for (const rule of more) rules.push({ rule, seen: 0, fired: 0 });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Opaque page tokens: the offset, base64url-encoded, so clients cannot rely on their shape. */
export function encodePageToken(offset: number): string {
  return Buffer.from(`o:${offset}`).toString("base64url");
}
export function decodePageToken(token: string | null): number | undefined {
  if (!token) return 0;
  const text = Buffer.from(token, "base64url").toString("utf8");
  const match = /^o:(\d+)$/.exec(text);
  return match ? Number(match[1]) : undefined;
}
