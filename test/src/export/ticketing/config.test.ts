import { describe, expect, it } from "vitest";
import { configJsonSchema, parseConfig } from "../../../../src/composition.js";
import { exampleConfig } from "../../../../src/config/example.js";
import { TicketTarget } from "../../../../src/export/ticketing/config.js";
import { ticketingConnectors } from "../../../../src/export/ticketing/index.js";

/** The `ticketing:` section of the config: each entry validated by its connector, errors at file:line. */

const base = `tenants:
  - id: contoso
    name: Contoso
    connections:
      - type: google-workspace
        auth: { method: access-token, token: env:GOOGLE_TOKEN }
`;

describe("ticketing config", () => {
  it("the config's target schemas are exactly the registered connectors' (config.ts lists them by hand)", () => {
    const inConfig = new Set<unknown>(TicketTarget.options);
    expect(ticketingConnectors.filter((c) => !inConfig.has(c.schema)).map((c) => c.type)).toEqual([]);
    expect(TicketTarget.options.length).toBe(ticketingConnectors.length);
  });

  it("the commented example in `mfasweep init` is valid for every connector", () => {
    const lines = exampleConfig.split("\n");
    const start = lines.findIndex((l) => l.startsWith("ticketing: []"));
    const block = [
      "ticketing:",
      ...lines
        .slice(start + 1)
        .filter((l) => l.startsWith("#  "))
        .map((l) => l.slice(1)),
    ];
    const { config } = parseConfig(exampleConfig.replace(/ticketing: \[\][\s\S]*$/, `${block.join("\n")}\n`));
    expect(config.ticketing.map((t) => t.type).sort()).toEqual(ticketingConnectors.map((c) => c.type).sort());
  });

  it("reports each problem at its line: an inline secret, closeOnResolve without closeFields, an unknown type, a twice-used id", () => {
    const text = `${base}ticketing:
  - id: psa
    type: halopsa
    endpoint: https://msp.halopsa.com
    auth: { clientId: app, clientSecret: s3cr3t-inline }
    closeOnResolve: true
    tenants: { contoso: { clientId: 12 } }
  - id: psa
    type: jira
    endpoint: https://msp.atlassian.net
    auth: { email: a@msp.example, apiToken: env:JIRA }
  - id: other
    type: zendesk
    endpoint: https://x.example
`;
    let message = "";
    try {
      parseConfig(text);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(
      "mfasweep.yaml:11 ticketing[0].auth.clientSecret: expected env:NAME or file:PATH",
    );
    expect(message).toMatch(/ticketing\[0\]\.closeFields: closeOnResolve needs closeFields/);
    expect(message).toMatch(/ticketing\[2\]\.type: Invalid discriminator value/);
    expect(message).not.toContain("s3cr3t-inline");
  });

  it("rejects unknown fields in a mapping and a mapping for a tenant id that is not an identifier", () => {
    const text = `${base}ticketing:
  - id: jira
    type: jira
    endpoint: https://msp.atlassian.net
    auth: { email: a@msp.example, apiToken: env:JIRA }
    tenants:
      contoso: { projectKey: CON, board: 1 }
      "Not An Id": { projectKey: NAI }
`;
    expect(() => parseConfig(text)).toThrow(/ticketing\[0\]\.tenants\.contoso\.board: unknown field/);
    expect(() => parseConfig(text)).toThrow(/ticketing\[0\]\.tenants\.Not An Id: Invalid key in record/);
  });

  it("is part of the JSON Schema editors get", () => {
    const schema = JSON.stringify(configJsonSchema());
    for (const c of ticketingConnectors) expect(schema).toContain(`"const":"${c.type}"`);
  });
});
