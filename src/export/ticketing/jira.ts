import { z } from "zod";
import { checkShape } from "../../collect/http.js";
import { ProviderResponseError } from "../../errors.js";
import { joinUrl } from "./http.js";
import { clip, forTicketLine, renderAdf } from "./render.js";
import { type JiraMapping, JiraTarget } from "./targets/jira.js";
import { defineConnector, type TicketDraft } from "./types.js";

/**
 * Jira Cloud issues (REST API v3).
 * - Auth: Basic `email:api_token`.
 * - Create `POST /rest/api/3/issue`; update `PUT /rest/api/3/issue/{key}`; comments
 *   `POST /rest/api/3/issue/{key}/comment`; descriptions and comments are ADF documents.
 * - Dedupe: a label `mfa-<key>` per ticket. The lookup, `GET /rest/api/3/search/jql` (paged by
 *   `nextPageToken`; the old /search answers 410), is eventually consistent: an issue created moments ago
 *   may not be found. So the local ledger is the source of truth and search is only a fallback for a lost
 *   ledger, always limited to the tenant's project.
 * - Close: the transition named by `closeTransition` (id or name), else the first one into a status of the
 *   Done category (`GET …/transitions`).
 */

export { JiraMapping, JiraTarget } from "./targets/jira.js";

/** The label that carries a ticket's key. */
export const keyLabel = (key: string) => `mfa-${key}`;

const Created = z.object({ id: z.string(), key: z.string() });
const Search = z.object({
  issues: z.array(z.object({ id: z.string(), key: z.string() })).default([]),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
});
const Transitions = z.object({
  transitions: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      to: z.object({ statusCategory: z.object({ key: z.string() }).optional() }).optional(),
    }),
  ),
});

export const jira = defineConnector<JiraTarget, JiraMapping>({
  type: "jira",
  schema: JiraTarget,
  lookup: "search (eventually consistent)",
  createRetry: "no",
  mapping: (target, tenant) => target.tenants[tenant],
  async open(target, { http, secret }) {
    const token = await secret(target.auth.apiToken);
    const basic = Buffer.from(`${target.auth.email}:${token.reveal()}`).toString("base64");
    http.addSecret(basic);
    const headers = { authorization: `Basic ${basic}` };
    const url = (path: string, query?: Record<string, string | number | undefined>) =>
      joinUrl(target.endpoint, `rest/api/3/${path}`, query);
    const summary = (draft: TicketDraft) => clip(forTicketLine(draft.title), target.maxTitleLength);
    const severityFields = (draft: TicketDraft) => target.severityFields?.[draft.severity] ?? {};
    const browse = (key: string) => joinUrl(target.endpoint, `browse/${key}`).toString();

    return {
      async find(key, { mapping }) {
        const jql = `project = "${mapping.projectKey}" AND labels = "${keyLabel(key)}" AND statusCategory != Done`;
        let next: string | undefined;
        const seen = new Set<string>();
        for (let page = 0; page < 20; page++) {
          const res = await http.send("search issues by label", {
            method: "GET",
            url: url("search/jql", { jql, fields: "summary", maxResults: 50, nextPageToken: next }),
            headers,
            kind: "read",
          });
          const body = checkShape(Search, res?.data, `${target.id} issue search`);
          const hit = body.issues[0];
          if (hit) return { id: hit.key, url: browse(hit.key) };
          if (!body.nextPageToken || body.isLast) return undefined;
          if (seen.has(body.nextPageToken))
            throw new ProviderResponseError(`${target.id}: issue search repeated a nextPageToken`);
          seen.add(body.nextPageToken);
          next = body.nextPageToken;
        }
        return undefined;
      },
      async create(draft, { mapping }) {
        const res = await http.send("create an issue", {
          method: "POST",
          url: url("issue"),
          headers,
          json: {
            fields: {
              ...target.fields,
              ...severityFields(draft),
              ...mapping.fields,
              summary: summary(draft),
              issuetype: { name: target.issueType },
              description: renderAdf(draft.doc),
              // Set last: no `fields` entry can move an issue to another project or lose its key label.
              labels: [...new Set([...target.labels, keyLabel(draft.key)])],
              project: { key: mapping.projectKey },
            },
          },
          kind: "write",
          retry: "throttled",
        });
        if (!res) return { id: "(dry run)" };
        const created = checkShape(Created, res.data, `${target.id} created issue`);
        return { id: created.key, url: browse(created.key) };
      },
      async update(ticket, draft) {
        await http.send("update the issue", {
          method: "PUT",
          url: url(`issue/${encodeURIComponent(ticket.id)}`),
          headers,
          json: {
            fields: { ...severityFields(draft), summary: summary(draft), description: renderAdf(draft.doc) },
          },
          kind: "write",
        });
      },
      async note(ticket, note) {
        await http.send("add a comment", {
          method: "POST",
          url: url(`issue/${encodeURIComponent(ticket.id)}/comment`),
          headers,
          json: { body: renderAdf(note) },
          kind: "write",
        });
      },
      async close(ticket) {
        let transition = target.closeTransition;
        if (!transition || !/^\d+$/.test(transition)) {
          const res = await http.send("list the issue's transitions", {
            method: "GET",
            url: url(`issue/${encodeURIComponent(ticket.id)}/transitions`),
            headers,
            kind: "read",
          });
          const list = checkShape(Transitions, res?.data, `${target.id} transitions`).transitions;
          const chosen = transition
            ? list.find((t) => t.name.toLowerCase() === transition?.toLowerCase())
            : list.find((t) => t.to?.statusCategory?.key === "done");
          if (!chosen)
            throw new ProviderResponseError(
              `${target.id}: ${ticket.id} has no ${transition ? `transition named '${transition}'` : "transition into a Done status"} (available: ${list.map((t) => t.name).join(", ") || "none"}); set closeTransition`,
            );
          transition = chosen.id;
        }
        await http.send("close the issue", {
          method: "POST",
          url: url(`issue/${encodeURIComponent(ticket.id)}/transitions`),
          headers,
          json: { transition: { id: transition } },
          kind: "write",
        });
      },
    };
  },
});
