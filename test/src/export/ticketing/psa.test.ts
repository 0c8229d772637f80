import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "../../../../src/emulator/server.js";
import { startAutotaskEmulator } from "../../../../src/export/ticketing/emulators/autotask.js";
import {
  connectwiseBasePath,
  startConnectWiseEmulator,
} from "../../../../src/export/ticketing/emulators/connectwise.js";
import { startHaloEmulator } from "../../../../src/export/ticketing/emulators/halopsa.js";
import { startServiceNowEmulator } from "../../../../src/export/ticketing/emulators/servicenow.js";
import type { SqliteStore } from "../../../../src/queue/sqlite.js";
import { at, freshStore, sweepQueue, sync, t0, ticketing } from "./helpers.js";

/** What is particular to each PSA: its headers and auth flow, its body shapes, its markup rules. */

let store: SqliteStore;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  store = await freshStore();
});
afterEach(async () => {
  await store.close();
  for (const close of closers.splice(0)) await close();
});

const hostile = "<img src=x onerror=alert(1)>[code]<script>alert(2)</script>[/code]\u202Egpj.exe";

describe("connectwise", () => {
  it("sends Basic company+public:private, clientId and the versioned Accept; patches with JSON Patch; notes are internal", async () => {
    const emulator = await startConnectWiseEmulator({
      companyId: "msp",
      publicKey: "pk",
      privateKey: "sk-private",
      clientId: "cid-1",
      companies: [250],
    });
    closers.push(emulator.close);
    const target = ticketing([
      {
        id: "cw",
        type: "connectwise",
        endpoint: `${emulator.url}${connectwiseBasePath}`,
        apiVersion: "2022.1",
        auth: { companyId: "msp", publicKey: "env:P", privateKey: "env:S", clientId: "env:C" },
        tenants: { acme: { companyId: 250, boardId: 7 } },
        severityFields: { critical: { priority: { id: 1 } } },
      },
    ]);
    const env = { P: "pk", S: "sk-private", C: "cid-1" };
    const long = "x".repeat(150);
    await sweepQueue(store, t0, [{ tenant: "acme", user: long }]);
    await sync(store, target, { env });
    const create = emulator.requests.find((r) => r.method === "POST" && r.path.endsWith("/service/tickets"));
    expect(create?.headers.accept).toBe("application/vnd.connectwise.com+json; version=2022.1");
    expect(create?.headers.clientid).toBe("cid-1");
    expect(create?.headers.authorization).toBe(
      `Basic ${Buffer.from("msp+pk:sk-private").toString("base64")}`,
    );
    const body = JSON.parse(create?.body ?? "{}");
    expect(body.summary).toHaveLength(100);
    expect(body.summary.endsWith("…")).toBe(true);
    expect(body.board).toEqual({ id: 7 });
    const lookup = emulator.requests.find((r) => r.method === "GET");
    expect(lookup?.query.conditions).toMatch(
      /^externalXRef="[0-9a-f]{32}" and closedFlag=false and company\/id=250$/,
    );

    await sweepQueue(store, at(7), [{ tenant: "acme", user: long, severity: "critical" }]);
    await sync(store, target, { env, now: at(7) });
    const patch = emulator.requests.find((r) => r.method === "PATCH");
    expect(JSON.parse(patch?.body ?? "[]")).toEqual([
      { op: "replace", path: "priority", value: { id: 1 } },
      { op: "replace", path: "summary", value: body.summary },
    ]);
    const note = emulator.requests.find((r) => r.path.endsWith("/notes"));
    expect(JSON.parse(note?.body ?? "{}")).toMatchObject({ internalAnalysisFlag: true });
  });

  it("a missing clientId header is refused like a bad key", async () => {
    const emulator = await startConnectWiseEmulator({
      companyId: "msp",
      publicKey: "pk",
      privateKey: "sk",
      clientId: "right",
      companies: [250],
    });
    closers.push(emulator.close);
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }]);
    const result = await sync(
      store,
      ticketing([
        {
          id: "cw",
          type: "connectwise",
          endpoint: `${emulator.url}${connectwiseBasePath}`,
          auth: { companyId: "msp", publicKey: "env:P", privateKey: "env:S", clientId: "env:C" },
          tenants: { acme: { companyId: 250 } },
        },
      ]),
      { env: { P: "pk", S: "sk", C: "wrong" } },
    );
    expect(result.failed[0]?.reason).toContain("A valid clientId is required");
  });
});

describe("autotask", () => {
  const options = {
    username: "api@msp.example",
    secret: "at-secret",
    integrationCode: "CODE",
    companies: [175],
    requiredFields: ["status", "priority", "queueID"],
  };
  const env = { AT_SECRET: "at-secret", AT_CODE: "CODE" };
  const target = (endpoint: string, extra: Record<string, unknown> = {}) =>
    ticketing([
      {
        id: "at",
        type: "autotask",
        endpoint,
        auth: { username: "api@msp.example", secret: "env:AT_SECRET", integrationCode: "env:AT_CODE" },
        fields: { status: 1, priority: 2 },
        tenants: { acme: { companyId: 175, queueId: 29683500 } },
        ...extra,
      },
    ]);

  it("asks zoneInformation first, without credentials, then sends everything to the zone", async () => {
    const emulator = await startAutotaskEmulator(options);
    closers.push(emulator.close);
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }]);
    expect(await sync(store, target(`${emulator.url}/ATServicesRest`), { env })).toMatchObject({
      created: 1,
    });
    const [zone, ...rest] = emulator.requests;
    expect(zone).toMatchObject({
      method: "GET",
      path: "/ATServicesRest/V1.0/zoneInformation",
      query: { user: "api@msp.example" },
    });
    expect(zone?.headers.secret).toBeUndefined();
    expect(zone?.headers.apiintegrationcode).toBeUndefined();
    expect(
      rest.every((r) => r.path.startsWith("/zone/ATServicesRest/V1.0/") && r.headers.secret === "at-secret"),
    ).toBe(true);
    expect(emulator.tickets[0]?.fields).toMatchObject({
      queueID: 29683500,
      status: 1,
      priority: 2,
      companyID: 175,
    });
  });

  it("cuts descriptions to maxDescriptionLength, marking the cut", async () => {
    const emulator = await startAutotaskEmulator(options);
    closers.push(emulator.close);
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice", message: "m".repeat(1000) }]);
    await sync(store, target(`${emulator.url}/ATServicesRest`, { maxDescriptionLength: 300 }), { env });
    const description = String(emulator.tickets[0]?.fields.description);
    expect(description).toHaveLength(300);
    expect(description.endsWith("…")).toBe(true);
  });

  it("an instance-required field that is not configured fails with Autotask's own message", async () => {
    const emulator = await startAutotaskEmulator(options);
    closers.push(emulator.close);
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }]);
    const result = await sync(store, target(`${emulator.url}/ATServicesRest`, { fields: { status: 1 } }), {
      env,
    });
    expect(result.failed[0]?.reason).toContain("Missing Required Field: priority");
  });

  it("refuses a zone URL on a host that is not Autotask's: no credentials go there", async () => {
    const evil = await startEmulator((req) => ({ status: 200, body: { seen: req.path } }));
    const lookup = await startEmulator(() => ({
      status: 200,
      // The same machine under another name: were the check missing, the credentials would arrive there.
      body: {
        zoneName: "x",
        url: `${evil.url.replace("127.0.0.1", "localhost")}/ATServicesRest/`,
        webUrl: "x",
        ci: 1,
      },
    }));
    closers.push(evil.close, lookup.close);
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }]);
    const result = await sync(store, target(`${lookup.url}/ATServicesRest`), { env });
    expect(result.failed[0]?.reason).toContain(
      "which is not an Autotask host; not sending credentials there",
    );
    expect(evil.requests).toHaveLength(0);
  });
});

describe("halopsa", () => {
  it("fetches one client-credentials token for the whole run; posts arrays; escapes tenant text in details_html", async () => {
    const emulator = await startHaloEmulator({ clientId: "app", clientSecret: "halo-s3cret", clients: [12] });
    closers.push(emulator.close);
    const target = ticketing([
      {
        id: "halo",
        type: "halopsa",
        endpoint: emulator.url,
        auth: { clientId: "app", clientSecret: "env:HALO" },
        tenants: { acme: { clientId: 12, siteId: 3, fields: { tickettype_id: 1 } } },
        noteFields: { outcome: "Note" },
      },
    ]);
    await sweepQueue(store, t0, [
      { tenant: "acme", user: "alice", message: hostile },
      { tenant: "acme", user: "bob" },
    ]);
    await sync(store, target, { env: { HALO: "halo-s3cret" } });
    await sweepQueue(store, at(7), [{ tenant: "acme", user: "alice", message: hostile }]);
    await sync(store, target, { env: { HALO: "halo-s3cret" }, now: at(7) });
    expect(emulator.tokensIssued()).toBe(2); // one per run
    const token = emulator.requests.find((r) => r.path === "/auth/token");
    expect(new URLSearchParams(token?.body)).toEqual(
      new URLSearchParams({
        grant_type: "client_credentials",
        client_id: "app",
        client_secret: "halo-s3cret",
        scope: "all",
      }),
    );
    const alice = emulator.tickets.find((t) => String(t.fields.details_html).includes("img"));
    const html = String(alice?.fields.details_html);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toMatch(/<img|<script/);
    expect(html).toContain("\\u202e"); // the bidi override is shown, not obeyed
    expect(alice?.fields).toMatchObject({ client_id: 12, site_id: 3, tickettype_id: 1 });
    const action = emulator.requests.find((r) => r.path === "/api/Actions");
    expect(JSON.parse(action?.body ?? "null")).toEqual([
      expect.objectContaining({ outcome: "Note", hiddenfromuser: true, ticket_id: expect.any(Number) }),
    ]);
  });
});

describe("servicenow", () => {
  it("scopes the lookup to the tenant's company; keeps [code] and markup out of descriptions and work notes", async () => {
    const company = "c".repeat(32);
    const emulator = await startServiceNowEmulator({ username: "u", password: "p", companies: [company] });
    closers.push(emulator.close);
    const target = ticketing([
      {
        id: "sn",
        type: "servicenow",
        endpoint: emulator.url,
        auth: { username: "u", password: "env:SN" },
        tenants: { acme: { company, fields: { caller_id: "mfasweep", assignment_group: "Service Desk" } } },
      },
    ]);
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice", message: hostile }]);
    await sync(store, target, { env: { SN: "p" } });
    await sweepQueue(store, at(7), []);
    expect(await sync(store, target, { env: { SN: "p" }, now: at(7) })).toMatchObject({ noted: 1 });
    const lookup = emulator.requests.find((r) => r.method === "GET");
    expect(lookup?.query.sysparm_query).toMatch(
      new RegExp(
        `^correlation_id=[0-9a-f]{32}\\^correlation_display=mfasweep\\^company=${company}\\^active=true$`,
      ),
    );
    const incident = emulator.tickets[0]!;
    expect(incident.fields).toMatchObject({
      caller_id: "mfasweep",
      assignment_group: "Service Desk",
      company,
    });
    const description = String(incident.fields.description);
    expect(description).not.toMatch(/\[code\]|<script|<img/i);
    expect(description).toContain("(code)‹script›alert(2)‹/script›(/code)");
    expect(incident.notes[0]?.text).toContain("no longer finds it");
  });
});
