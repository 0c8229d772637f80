import { OAuth2Client } from "google-auth-library";
import { describe, expect, it } from "vitest";
import { GoogleWorkspaceClient, loadGoogleApis } from "../../../providers/google-workspace/client.js";
import { GoogleWorkspaceSettings } from "../../../providers/google-workspace/settings.js";
import type { CollectContext } from "../../../src/collect/provider.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";

/** The quota domains a client of these settings uses (names only; nothing is sent). */
async function domainsOf(subject: string, tenant: string): Promise<string[]> {
  const names: string[] = [];
  const registry = new QuotaRegistry(false);
  const settings = GoogleWorkspaceSettings.parse({
    type: "google-workspace",
    auth: { method: "service-account", serviceAccountKey: "file:/unused", subject },
  });
  const ctx = {
    tenant: { id: tenant, name: tenant },
    connectionId: "google",
    settings,
    signal: new AbortController().signal,
    quota: (name: string, limits: { concurrency: number }) => {
      names.push(name);
      return registry.get(name, limits);
    },
  } as unknown as CollectContext<typeof settings>;
  new GoogleWorkspaceClient(
    ctx,
    new OAuth2Client(),
    `audit@msp-tools-123.iam.gserviceaccount.com as ${subject}`,
    await loadGoogleApis(),
  );
  return names;
}

describe("Google quota domains", () => {
  it("follow the documented quota: per Cloud project and per impersonated admin", async () => {
    const a = await domainsOf("admin@acme.example", "acme");
    const b = await domainsOf("admin@beta.example", "beta");
    expect(a).toEqual([
      "google-workspace:project:msp-tools-123:user:admin@acme.example:directory",
      "google-workspace:project:msp-tools-123:user:admin@acme.example:policy",
    ]);
    expect(b.some((name) => a.includes(name))).toBe(false);
  });
});
