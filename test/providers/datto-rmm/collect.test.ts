import { afterEach, describe, expect, it } from "vitest";
import {
  type DattoAccountSeed,
  seedUser,
  startDattoEmulator,
} from "../../../providers/datto-rmm/emulator.js";
import { dattoRmm } from "../../../providers/datto-rmm/index.js";
import { DattoRmmSettings } from "../../../providers/datto-rmm/settings.js";
import type { CollectOptions } from "../../../src/collect/index.js";
import type { FaultRule, RunningEmulator } from "../../../src/emulator/server.js";
import { collectRecorded, doctorOf, scanDemo } from "../../helpers/connection.js";

const apiKey = "KEY123";
const apiSecret = "datto-secret-never-printed";
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function account(extra: Partial<DattoAccountSeed> = {}): DattoAccountSeed {
  return {
    keys: [{ apiKey, apiSecret }],
    pageSize: 100,
    users: Array.from({ length: 230 }, (_, i) =>
      seedUser(`tech${String(i).padStart(3, "0")}@acme.example`, i === 5 ? { disabled: true } : {}),
    ),
    ...extra,
  };
}

async function run(
  seed: DattoAccountSeed,
  options: { faults?: FaultRule[]; collect?: Partial<CollectOptions>; env?: Record<string, string> } = {},
) {
  emulator = await startDattoEmulator({ accounts: [seed], faults: options.faults });
  const settings = DattoRmmSettings.parse({
    type: "datto-rmm",
    endpoint: emulator.url,
    auth: { method: "api-key", apiKey: "env:DATTO_KEY", apiSecret: "env:DATTO_SECRET" },
  });
  const collected = await collectRecorded(
    { id: "datto-rmm", type: "datto-rmm", settings },
    {
      env: options.env ?? { DATTO_KEY: apiKey, DATTO_SECRET: apiSecret },
      ...options.collect,
    },
  );
  return { ...collected, requests: emulator.requests };
}

describe("datto-rmm collect", () => {
  it("gets a password-grant token with the public client and follows nextPageUrl through every page", async () => {
    const { collection, requests } = await run(account());
    expect(collection.coverage.status).toBe("complete");
    expect(collection.inventory.accounts).toHaveLength(230);
    const [tokenCall, ...pages] = requests;
    expect(tokenCall).toMatchObject({ method: "POST", path: "/auth/oauth/token" });
    expect(tokenCall!.headers.authorization).toBe(
      `Basic ${Buffer.from("public-client:public").toString("base64")}`,
    );
    const form = new URLSearchParams(tokenCall!.body);
    expect([form.get("grant_type"), form.get("username")]).toEqual(["password", apiKey]);
    expect(pages.map((r) => r.query.page ?? "first")).toEqual(["first", "1", "2"]);
    expect(pages.every((r) => String(r.headers.authorization).startsWith("Bearer "))).toBe(true);
  });

  it("reports every path unknown, needing attestation, and disabled users as disabled", async () => {
    const { collection } = await run(account());
    const paths = collection.inventory.accessPaths;
    expect(new Set(paths.map((p) => p.mfa.state))).toEqual(new Set(["unknown"]));
    expect(paths[0]!.mfa.reason).toBe("the API exposes no MFA state; needs attestation");
    expect(paths[0]!.mfa.evidence[0]).toMatchObject({
      source: "datto-rmm",
      endpoint: "GET api/v2/account/users",
    });
    const disabled = collection.inventory.accounts.find((a) => a.name === "tech005@acme.example");
    expect(disabled?.status).toBe("disabled");
    expect(collection.inventory.accounts[0]).toMatchObject({
      id: "tech000@acme.example",
      email: "tech000@acme.example",
      kind: "technician",
      admin: { isAdmin: "unknown" },
    });
    expect(collection.inventory.entryPoints[0]).toMatchObject({
      kind: "rmm-console",
      name: "Datto RMM console (pinotage)",
    });
  });

  it("a wrong API secret is an auth error that shows neither key nor secret", async () => {
    const { collection } = await run(account(), { env: { DATTO_KEY: apiKey, DATTO_SECRET: "wrong" } });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(
      /POST auth\/oauth\/token: token request refused \(HTTP 400 invalid_grant: Bad credentials\)/,
    );
    expect(collection.coverage.reason).not.toContain(apiSecret);
    expect(collection.coverage.reason).not.toContain("wrong");
  });

  it("a user without API access gets 403: permission error naming the Datto setting", async () => {
    const { collection } = await run(account({ keys: [{ apiKey, apiSecret, apiAccess: false }] }));
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(/^permission missing: /);
    expect(collection.coverage.reason).toContain("Enable API Access");
  });

  it("retries a 429 on a later page after its Retry-After and completes", async () => {
    const { collection, slept } = await run(account(), {
      faults: [
        {
          path: "/api/v2/account/users",
          after: 1,
          fault: {
            kind: "status",
            status: 429,
            headers: { "retry-after": "60" },
            body: { message: "Rate limit" },
          },
        },
      ],
    });
    expect(collection.coverage.status).toBe("complete");
    expect(collection.inventory.accounts).toHaveLength(230);
    expect(slept).toContain(60_000);
    // Every page read: a path per user and no unread path.
    expect(collection.inventory.accessPaths.every((p) => p.accounts.length === 1)).toBe(true);
  });

  it("keeps the pages read before a page that keeps failing, and says the list is cut short", async () => {
    const { collection } = await run(account(), {
      faults: [
        {
          path: "/api/v2/account/users",
          after: 1,
          times: 20,
          fault: { kind: "status", status: 502, body: "" },
        },
      ],
      collect: { retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps[0]?.what).toBe("users after page 1");
    expect(collection.inventory.accounts).toHaveLength(100);
    // The users on the pages not read did not vanish: one unknown path on the console says so.
    const unread = collection.inventory.accessPaths.filter((p) => p.accounts.length === 0);
    expect(unread).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/\/unread\/users$/),
        mfa: expect.objectContaining({
          state: "unknown",
          reason: expect.stringMatching(/the users after page 1 could not be read \(.*502/),
        }),
      }),
    ]);
  });

  it("stops a paging loop with an error instead of looping", async () => {
    const { collection } = await run(account({ pagingLoopFromPage: 1 }));
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps[0]?.reason).toMatch(/paging loop: page 2 repeated an earlier next link/);
    expect(collection.inventory.accounts).toHaveLength(200);
  });

  it("refuses a nextPageUrl on another host rather than send the token there", async () => {
    const { collection } = await run(account(), {
      faults: [
        {
          path: "/api/v2/account/users",
          fault: {
            kind: "body",
            body: JSON.stringify({
              pageDetails: { nextPageUrl: "https://attacker.example/api/v2/account/users?page=1" },
              users: [seedUser("one@acme.example")],
            }),
          },
        },
      ],
    });
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps[0]?.reason).toContain("links to another host");
    expect(emulator!.requests.every((r) => !r.path.includes("attacker"))).toBe(true);
  });

  it("skips and counts a user without a username", async () => {
    const seed = account();
    seed.users[7] = { ...seedUser("x@acme.example"), username: "" };
    const { collection } = await run(seed);
    expect(collection.coverage.counts.skipped).toBe(1);
    expect(collection.coverage.gaps[0]).toMatchObject({ what: "user record 8 on page 1" });
    expect(collection.inventory.accounts).toHaveLength(229);
    // The skipped user did not vanish: one unknown path on the console says a record was not read.
    expect(collection.inventory.accessPaths.filter((p) => p.accounts.length === 0)).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/\/unread\/user-records$/),
        mfa: expect.objectContaining({
          state: "unknown",
          reason: expect.stringContaining("1 user record(s) did not match the documented shape"),
        }),
      }),
    ]);
  });
});

describe("datto-rmm doctor", () => {
  it("reports the user list readable and says MFA needs attestation", async () => {
    emulator = await startDattoEmulator({ accounts: [account()] });
    const report = await doctorOf(
      {
        type: "datto-rmm",
        endpoint: emulator.url,
        auth: { method: "api-key", apiKey: "env:K", apiSecret: "env:S" },
      },
      { K: apiKey, S: apiSecret },
    );
    expect(report.checks).toEqual([
      expect.objectContaining({ ok: true, detail: expect.stringContaining("readable (230 users)") }),
    ]);
    expect(report.checks[0]?.detail).toContain("needs attestation");
  });
});

describe("datto-rmm demo", () => {
  it("seeds Fabrikam Legal: every active technician is unknown, needing attestation", async () => {
    const report = await scanDemo(dattoRmm);
    expect(report.coverage.map((c) => [c.tenant, c.status])).toEqual([["fabrikam-legal", "complete"]]);
    const results = report.results.filter((r) => r.policy === "rmm-technician-mfa-enforced");
    expect(results).toHaveLength(3);
    expect(results.every((r) => r.status === "unknown" && r.message.includes("needs attestation"))).toBe(
      true,
    );
  });
});
