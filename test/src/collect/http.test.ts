import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  CachedToken,
  fetchOAuthToken,
  HttpClient,
  type HttpClientOptions,
  pagesByNumber,
} from "../../../src/collect/http.js";
import { PagingLoopError, RecordBudget, RecordLimitError } from "../../../src/collect/paging.js";
import type { CollectContext } from "../../../src/collect/provider.js";
import { QuotaDomain } from "../../../src/collect/quota.js";
import { withRetry } from "../../../src/collect/retry.js";
import { type RunningEmulator, startEmulator } from "../../../src/emulator/server.js";

let emulator: RunningEmulator | undefined;
const clients: HttpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await emulator?.close();
  emulator = undefined;
});

/** The parts of a CollectContext the HTTP client uses: the real retry loop, no sleeping. */
function context(
  maxRetries = 1,
  maxRecords?: number,
): Pick<CollectContext<unknown>, "request" | "signal" | "records"> {
  const signal = new AbortController().signal;
  const budget = new RecordBudget(maxRecords);
  return {
    signal,
    records: (label, count) => budget.add(label, count),
    request: (domain, label, send, classify) =>
      withRetry(
        label,
        () => domain.schedule(send),
        classify,
        { maxRetries, baseDelayMs: 1, maxDelayMs: 1 },
        {
          sleep: async () => {},
          signal,
        },
      ),
  };
}

function client(
  options: Partial<HttpClientOptions> & { baseUrl: string },
  maxRetries = 1,
  maxRecords?: number,
): HttpClient {
  const c = new HttpClient(context(maxRetries, maxRecords), { timeoutSeconds: 5, ...options });
  clients.push(c);
  return c;
}

const domain = () => new QuotaDomain("test", { concurrency: 2 });

describe("HttpClient", () => {
  it("trusts a server certificate from caBundle, and refuses it without", async () => {
    emulator = await startEmulator(() => ({ status: 200, body: { ok: true } }), { tls: true });
    const dir = mkdtempSync(join(tmpdir(), "mfasweep-http-"));
    const caBundle = join(dir, "ca.pem");
    writeFileSync(caBundle, emulator.certificate!);
    const trusted = await client({ baseUrl: emulator.url, caBundle }).request(domain(), "GET x", {
      url: "x",
    });
    expect(trusted.data).toEqual({ ok: true });
    await expect(client({ baseUrl: emulator.url }).request(domain(), "GET x", { url: "x" })).rejects.toThrow(
      /GET x: TLS certificate not trusted \(.+\); set caBundle/,
    );
  });

  it("names an unreadable caBundle", () => {
    expect(() => client({ baseUrl: "https://127.0.0.1:9", caBundle: "/nonexistent/ca.pem" })).toThrow(
      /cannot read the caBundle \/nonexistent\/ca.pem \(ENOENT\)/,
    );
  });

  it("times out a request that never answers, retries it, then gives up as unavailable", async () => {
    emulator = await startEmulator(() => ({ status: 200, body: {} }), {
      faults: [{ path: "/slow", times: 5, fault: { kind: "hang" } }],
    });
    const slow = client({ baseUrl: emulator.url, timeoutSeconds: 0.3 });
    await expect(slow.request(domain(), "GET slow", { url: "slow" })).rejects.toThrow(
      /^GET slow: gave up after 2 attempts \(no answer within 0.3 s\)$/,
    );
    expect(emulator.requests.filter((r) => r.path === "/slow")).toHaveLength(2);
  });

  it("never sends credentials to another origin", async () => {
    emulator = await startEmulator(() => ({ status: 200, body: {} }));
    let asked = 0;
    const c = client({
      baseUrl: emulator.url,
      authorize: async () => {
        asked++;
        return { authorization: "Bearer t" };
      },
    });
    await expect(c.request(domain(), "GET next", { url: "https://elsewhere.example/api" })).rejects.toThrow(
      /pointed at another host \(https:\/\/elsewhere.example\)/,
    );
    expect(asked).toBe(0);
  });

  it("keeps a base path prefix when resolving relative paths, and adds the query", () => {
    const c = client({ baseUrl: "https://webapi.example/api/v1" });
    expect(c.resolve("users", { full_list: true, skip: undefined }).toString()).toBe(
      "https://webapi.example/api/v1/users?full_list=true",
    );
    expect(c.resolve("/users").toString()).toBe("https://webapi.example/api/v1/users");
  });

  it("classifies 401, 403 (naming what is missing), 404 and 429 with Retry-After", async () => {
    const statuses: Record<string, number> = { "/a": 401, "/b": 403, "/c": 404 };
    emulator = await startEmulator((req) => ({
      status: statuses[req.path] ?? 200,
      body: { message: `said ${req.path}` },
    }));
    const c = client({ baseUrl: emulator.url, missingOn403: (label) => [`grant for ${label}`] });
    await expect(c.request(domain(), "GET a", { url: "a" })).rejects.toThrow(
      /^GET a: credentials refused \(HTTP 401: said \/a\)$/,
    );
    await expect(c.request(domain(), "GET b", { url: "b" })).rejects.toMatchObject({
      name: "ProviderPermissionError",
      missing: ["grant for GET b"],
    });
    await expect(c.request(domain(), "GET c", { url: "c" })).rejects.toThrow(/GET c: HTTP 404: said \/c/);
  });
});

describe("fetchOAuthToken with CachedToken", () => {
  it("fetches the token in the same one-slot quota domain as the API call without deadlocking", async () => {
    emulator = await startEmulator((req) =>
      req.path === "/token"
        ? { status: 200, body: { access_token: "tok", expires_in: 3600 } }
        : req.headers.authorization === "Bearer tok"
          ? { status: 200, body: [1, 2] }
          : { status: 401, body: {} },
    );
    const one = new QuotaDomain("one", { concurrency: 1 });
    const token: CachedToken = new CachedToken(() =>
      fetchOAuthToken(c, one, {
        label: "POST token",
        url: "token",
        form: { grant_type: "client_credentials" },
      }),
    );
    const c = client({
      baseUrl: emulator.url,
      authorize: async () => ({ authorization: `Bearer ${await token.get()}` }),
    });
    const [a, b] = await Promise.all([
      c.request(one, "GET x", { url: "x" }),
      c.request(one, "GET y", { url: "y" }),
    ]);
    expect([a.data, b.data]).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(emulator.requests.filter((r) => r.path === "/token")).toHaveLength(1);
  });

  it("maps invalid_scope to a permission error naming the scope, and invalid_client to an auth error", async () => {
    emulator = await startEmulator((req) =>
      req.body.includes("scope=bad")
        ? { status: 400, body: { error: "invalid_scope", error_description: "scope not allowed" } }
        : { status: 400, body: { error: "invalid_client" } },
    );
    const c = client({ baseUrl: emulator.url });
    await expect(
      fetchOAuthToken(c, domain(), {
        label: "POST token",
        url: "token",
        form: { scope: "bad" },
        scope: "read scope",
      }),
    ).rejects.toMatchObject({ name: "ProviderPermissionError", missing: ["read scope"] });
    await expect(
      fetchOAuthToken(c, domain(), { label: "POST token", url: "token", form: {} }),
    ).rejects.toThrow(
      /^POST token: token request refused \(HTTP 400 invalid_client\); check the client id and secret$/,
    );
  });
});

describe("pagesByNumber", () => {
  it("stops at the first short page and yields every full one", async () => {
    const pages: number[] = [];
    const out: number[][] = [];
    for await (const items of pagesByNumber(
      client({ baseUrl: "http://127.0.0.1:9/" }),
      "list",
      async (page) => {
        pages.push(page);
        return page < 3 ? [page * 10, page * 10 + 1] : [99];
      },
      { pageSize: 2 },
    ))
      out.push(items);
    expect(pages).toEqual([1, 2, 3]);
    expect(out).toEqual([[10, 11], [20, 21], [99]]);
  });

  it("treats a page repeating the one before as a loop, and stops at the connection's record cap", async () => {
    const http = client({ baseUrl: "http://127.0.0.1:9/" }, 1, 11);
    const loop = pagesByNumber(http, "list", async () => [1, 2], { pageSize: 2 });
    await expect(async () => {
      for await (const _ of loop);
    }).rejects.toThrow(new PagingLoopError("list: paging loop: page 2 repeated the records of page 1"));
    const endless = pagesByNumber(http, "other", async (p) => [p, p], { pageSize: 2 });
    // 4 records already counted by the loop above; 11 allowed: pages 1-3 of this one fit, page 4 does not.
    await expect(async () => {
      for await (const _ of endless);
    }).rejects.toThrow(
      new RecordLimitError(
        "other page 4: more than 11 records read from this source (maxRecords); stopped paging",
      ),
    );
  });
});

describe("CachedToken", () => {
  it("fetches once for concurrent callers and again a minute before expiry", async () => {
    let now = 0;
    let fetched = 0;
    const token = new CachedToken(
      async () => ({ token: `t${++fetched}`, expiresInSeconds: 3600 }),
      () => now,
    );
    expect(await Promise.all([token.get(), token.get(), token.get()])).toEqual(["t1", "t1", "t1"]);
    now = 3539_000;
    expect(await token.get()).toBe("t1");
    now = 3541_000;
    expect(await token.get()).toBe("t2");
    expect(fetched).toBe(2);
  });

  it("a failed fetch is not cached: the next call tries again", async () => {
    let calls = 0;
    const token = new CachedToken(async () => {
      calls++;
      if (calls === 1) throw new Error("refused");
      return { token: "ok" };
    });
    await expect(token.get()).rejects.toThrow("refused");
    expect(await token.get()).toBe("ok");
  });
});
