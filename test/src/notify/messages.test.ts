import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseConfig } from "../../../src/composition.js";
import { type Digest, type DigestTenant, oneLine } from "../../../src/notify/digest.js";
import { SlackBlock, SlackWebhookMessage } from "../../../src/notify/emulators/slack.js";
import { teamsMessageLimitBytes, WorkflowsMessage } from "../../../src/notify/emulators/teams.js";
import { slackMessage, teamsMessage } from "../../../src/notify/index.js";

/**
 * The chat messages at MSP scale and with hostile names: checked against the receivers' schemas, which
 * state Slack's Block Kit limits and the Workflows Adaptive Card shape independently of the senders.
 */

function digest(tenants: number, name = (i: number) => `Customer ${i} Dental & Partners`): Digest {
  const list: DigestTenant[] = Array.from({ length: tenants }, (_, i) => ({
    rank: i + 1,
    id: `t${i}`,
    name: name(i),
    changes: `${i} open (1 new, 2 regressed), 3 resolved, 4 overdue`,
    coverage: i % 7 === 0 ? "only partly read: figures are a lower bound" : "read completely",
    complete: i % 7 !== 0,
  }));
  return {
    title: "Weekly MFA summary 2026-11-20 · Northwind IT Services",
    lead: `${tenants} open findings across ${tenants} tenants.`,
    details: "Since the last sweep: 1 new, 2 regressed, 3 resolved.",
    tenants: list,
    notFullyRead: list.filter((t) => !t.complete).map((t) => t.name),
    expiredExceptions: 2,
    date: "2026-11-20",
    demo: false,
  };
}

describe("Slack message", () => {
  it.each([1, 40, 400])(
    "stays within Block Kit's limits for %i tenants and says how many are not listed",
    (n) => {
      const message = slackMessage(digest(n));
      expect(SlackWebhookMessage.safeParse(message).success).toBe(true);
      const blocks = z.array(SlackBlock).safeParse(message.blocks);
      expect(blocks.success).toBe(true);
      expect(message.blocks.length).toBeLessThanOrEqual(50);
      const text = JSON.stringify(message.blocks);
      const listed = (text.match(/\d+\. \*Customer/g) ?? []).length;
      if (listed < n) expect(text).toContain(`… and ${n - listed} more tenants`);
      else expect(listed).toBe(n);
      expect(message.text).toContain(`${n} open findings`);
    },
  );

  it("escapes &, < and > so a tenant name cannot become a link or mention", () => {
    const message = slackMessage(digest(2, () => "<https://evil.example|Click> <!channel> A&B"));
    const text = JSON.stringify(message.blocks);
    expect(text).not.toMatch(/<https|<!channel>/);
    expect(text).toContain("&lt;https://evil.example|Click&gt; &lt;!channel&gt; A&amp;B");
  });
});

describe("Teams message", () => {
  it.each([1, 15, 400])("is a Workflows Adaptive Card message under 28 KB for %i tenants", (n) => {
    const message = teamsMessage(digest(n));
    expect(WorkflowsMessage.safeParse(message).success).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThan(teamsMessageLimitBytes);
    const facts = WorkflowsMessage.parse(message).attachments[0]!.content.body.flatMap((e) =>
      e.type === "FactSet" ? e.facts : [],
    );
    expect(facts).toHaveLength(Math.min(n, 15));
    if (n > 15) expect(JSON.stringify(message)).toContain(`… and ${n - 15} more tenants`);
  });

  it("defuses Markdown link syntax in a customer-controlled name", () => {
    const text = JSON.stringify(teamsMessage(digest(1, () => "[Pay invoice](https://evil.example)")));
    expect(text).not.toContain("[Pay invoice](");
    expect(text).toContain("(Pay invoice)(https://evil.example)");
  });
});

describe("notify: in the config", () => {
  const tenant = `tenants:
  - id: acme
    name: Acme
    connections:
      - type: google-workspace
        auth: { method: access-token, token: env:T }
`;
  it("takes webhook URLs and passwords only as env:/file: references, with file:line errors", () => {
    const bad = `${tenant}notify:
  - id: soc
    type: slack
    url: https://hooks.slack.example/services/T1/B1/secret
  - id: mail
    type: smtp
    host: smtp.example.com
    tls: none
    auth: { user: me@example.com, password: hunter22 }
    from: me@example.com
    to: [soc@example.com]
`;
    expect(() => parseConfig(bad, "mfasweep.yaml")).toThrow(
      /mfasweep\.yaml:10 notify\[0\]\.url: expected env:NAME or file:PATH[\s\S]*mfasweep\.yaml:14 notify\[1\]\.tls[\s\S]*mfasweep\.yaml:15 notify\[1\]\.auth\.password: expected env:NAME or file:PATH/,
    );
    try {
      parseConfig(bad, "mfasweep.yaml");
    } catch (err) {
      expect((err as Error).message).not.toContain("hunter22");
    }
  });

  it("refuses a channel id listed twice and accepts a valid section with defaults", () => {
    const twice = `${tenant}notify:
  - { id: soc, type: teams, url: env:A }
  - { id: soc, type: slack, url: env:B }
`;
    expect(() => parseConfig(twice, "mfasweep.yaml")).toThrow(/notify channel 'soc' is listed twice/);
    const { config } = parseConfig(
      `${tenant}notify:
  - { id: mail, type: smtp, host: smtp.example.com, from: a@example.com, to: [b@example.com], auth: { user: env:U, password: file:/etc/p } }
`,
      "mfasweep.yaml",
    );
    expect(config.notify[0]).toMatchObject({
      port: 587,
      tls: "starttls",
      attach: "html",
      timeoutSeconds: 30,
    });
  });
});

describe("names in every channel", () => {
  it("a tenant name's invisible and direction-changing characters are shown, not obeyed (issue #19 item 11)", () => {
    const name = oneLine("\u202egpj.exe Dental\u200b \u2066Ltd\u2069");
    expect(name).toBe("\\u202egpj.exe Dental\\u200b \\u2066Ltd\\u2069");
    for (const message of [teamsMessage(digest(2, () => name)), slackMessage(digest(2, () => name))])
      expect(JSON.stringify(message)).not.toMatch(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/);
  });
});
