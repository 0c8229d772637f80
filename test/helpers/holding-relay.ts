import { createServer, connect as netConnect, type Server, type Socket } from "node:net";

/**
 * A TCP relay in front of an emulator. Armed, it holds the first request it then sees without answering
 * (whoever sends it is then certainly in the middle of a job) and tells the test; `release` sends the
 * held request on after all. Everything else is passed through. It watches requests, not connections:
 * Node's default agent keeps connections alive, so a request may come on a connection opened earlier.
 */
export class HoldingRelay {
  readonly #server: Server;
  readonly #target: number;
  readonly #sockets = new Set<Socket>();
  #armed: (() => void) | undefined;
  /** Sends the held request on. */
  #held: (() => void) | undefined;
  /** Whether a request has been held. */
  holding = false;

  constructor(target: number) {
    this.#target = target;
    this.#server = createServer((client) => {
      this.#track(client);
      let upstream = this.#upstream(client);
      client.on("data", (chunk: Buffer) => {
        const hold = this.#armed;
        if (!hold) {
          upstream.write(chunk);
          return;
        }
        // HTTP/1.1 without pipelining: a chunk on an idle connection starts a request. Held: not
        // forwarded, not answered, and the emulator closing its idle side does not close this one.
        this.#armed = undefined;
        this.holding = true;
        client.pause();
        upstream.unpipe(client);
        upstream.destroy();
        this.#held = () => {
          if (client.destroyed) return;
          upstream = this.#upstream(client);
          upstream.write(chunk);
          client.resume();
        };
        hold();
      });
    });
  }

  #track(s: Socket): void {
    this.#sockets.add(s);
    s.on("close", () => this.#sockets.delete(s));
  }

  #upstream(client: Socket): Socket {
    const upstream = netConnect(this.#target, "127.0.0.1");
    this.#track(upstream);
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    client.on("end", () => upstream.end());
    upstream.pipe(client);
    return upstream;
  }

  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.#server.listen(0, "127.0.0.1", () => resolve((this.#server.address() as { port: number }).port)),
    );
  }

  /** Resolves once a request is being held. */
  arm(): Promise<void> {
    return new Promise((resolve) => {
      this.#armed = resolve;
    });
  }

  /** Sends the held request to the emulator after all, and its answer back. */
  release(): void {
    const send = this.#held;
    this.#held = undefined;
    send?.();
  }

  close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
