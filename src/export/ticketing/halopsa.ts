import { z } from "zod";
import { checkShape } from "../../collect/http.js";
import { ProviderResponseError } from "../../errors.js";
import { joinUrl } from "./http.js";
import { clip, forTicketLine, renderHtml } from "./render.js";
import { type HaloMapping, HaloTarget } from "./targets/halopsa.js";
import {
  defineConnector,
  type JsonObject,
  maxCompanyPages,
  type PsaCompany,
  type TicketDraft,
} from "./types.js";

/**
 * HaloPSA tickets.
 * - Auth: OAuth 2.0 client credentials, `POST {authEndpoint}/auth/token` (form `grant_type`, `client_id`,
 *   `client_secret`, `scope`), then `Authorization: Bearer`. Hosted instances may need `tenant` (sent as a
 *   query parameter; not confirmed by the vendor's docs we have).
 * - Create and update `POST /api/Tickets` with an **array** of tickets (an `id` makes it an update); notes
 *   `POST /api/Actions` (array), hidden from the end user.
 * - Dedupe: the key goes into `third_party_id_string`, but the Tickets API cannot filter on it: the local
 *   ledger is the only lookup. A create that fails without an answer is not repeated in the same run.
 * Bodies go into `details_html`/`note_html`, HTML-escaped. Ticket type, priority and closing statuses are
 * per instance: `fields`, `noteFields`, `closeFields`.
 * - Clients (`tickets map`): `GET /api/Client?pageinate=true&page_size=…&page_no=…` (from 1) with
 *   `includeactive=true&includeinactive=false`, answering `{ record_count, clients: [...] }`, until
 *   `record_count` clients are read (an empty page before that is an error). Fields used: `id`, `name`, `website`, `inactive`.
 *   Sources: the "Halo API v2" swagger in covenanttechnologysolutions/halopsa-rest
 *   (`generator/spec/swagger.json`: `/Client` query parameters, schema `Area`), homotechsual/HaloAPI
 *   (`Get-HaloClient.ps1`: resource `api/client`, result property `clients`; its paging by `record_count`).
 *   The client's `domain` field is in the schema without a description: not used.
 */

export { HaloMapping, HaloTarget } from "./targets/halopsa.js";

const Token = z.object({ access_token: z.string().min(1), expires_in: z.number().optional() });
const Ticket = z.object({ id: z.number().int() });
const ClientPage = z.object({
  record_count: z.number().int().nonnegative(),
  clients: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      website: z.string().nullish(),
      inactive: z.boolean().nullish(),
    }),
  ),
});
const clientPageSize = 100;
/** One ticket posted: Halo answers with the ticket, or with a list holding it. */
const Created = z.union([Ticket, z.array(Ticket).min(1)]);

export const halopsa = defineConnector<HaloTarget, HaloMapping>({
  type: "halopsa",
  schema: HaloTarget,
  lookup: "none (ledger only)",
  createRetry: "no",
  companyField: "clientId",
  mapping: (target, tenant) => target.tenants[tenant],
  async open(target, { http, secret, now }) {
    const clientSecret = await secret(target.auth.clientSecret);
    let token: { value: string; expiresAt: number } | undefined;
    const bearer = async (): Promise<Record<string, string>> => {
      if (!token || now().getTime() >= token.expiresAt) {
        const res = await http.send("get an access token", {
          method: "POST",
          url: joinUrl(target.authEndpoint ?? target.endpoint, "auth/token", { tenant: target.auth.tenant }),
          form: {
            grant_type: "client_credentials",
            client_id: target.auth.clientId,
            client_secret: clientSecret.reveal(),
            scope: target.auth.scope,
          },
          kind: "read",
        });
        const body = checkShape(Token, res?.data, `${target.id} token`);
        http.addSecret(body.access_token);
        // Renewed a minute early; without expires_in it is kept for the run.
        token = {
          value: body.access_token,
          expiresAt: body.expires_in
            ? now().getTime() + Math.max(0, body.expires_in - 60) * 1000
            : Number.POSITIVE_INFINITY,
        };
      }
      return { authorization: `Bearer ${token.value}` };
    };
    const api = (path: string) => joinUrl(target.endpoint, `api/${path}`);
    const summary = (draft: TicketDraft) => clip(forTicketLine(draft.title), target.maxTitleLength);
    const severityFields = (draft: TicketDraft) => target.severityFields?.[draft.severity] ?? {};
    const postTickets = async (label: string, tickets: JsonObject[], retry: "all" | "throttled" = "all") =>
      http.send(label, {
        method: "POST",
        url: api("Tickets"),
        headers: await bearer(),
        json: tickets,
        kind: "write",
        retry,
      });

    return {
      async listCompanies() {
        const out: PsaCompany[] = [];
        let read = 0;
        for (let page = 1; page <= maxCompanyPages; page++) {
          const url = joinUrl(target.endpoint, "api/Client", {
            pageinate: "true",
            page_size: clientPageSize,
            page_no: page,
            includeactive: "true",
            includeinactive: "false",
          });
          const res = await http.send("list clients", {
            method: "GET",
            url,
            headers: await bearer(),
            kind: "read",
          });
          const body = checkShape(ClientPage, res?.data, `${target.id} clients, page ${page}`);
          read += body.clients.length;
          for (const c of body.clients)
            if (c.inactive !== true)
              out.push({ id: c.id, name: c.name, ...(c.website ? { website: c.website } : {}) });
          if (read >= body.record_count) return out;
          // Fewer clients than record_count said, and no more coming: a partial list is not a list.
          if (body.clients.length === 0)
            throw new ProviderResponseError(
              `${target.id}: page ${page} of clients is empty after ${read} of ${body.record_count}; the list is incomplete`,
            );
        }
        throw new ProviderResponseError(
          `${target.id}: more than ${maxCompanyPages} pages of clients; stopped`,
        );
      },
      async probe() {
        await bearer();
        return "an access token was issued (HaloPSA has no read-only ticket lookup by key)";
      },
      async create(draft, { mapping }) {
        const res = await postTickets(
          "create a ticket",
          [
            {
              ...target.fields,
              ...severityFields(draft),
              ...mapping.fields,
              summary: summary(draft),
              details_html: renderHtml(draft.doc),
              ...(mapping.siteId ? { site_id: mapping.siteId } : {}),
              // Set last: no `fields` entry can move a ticket to another client or lose its key.
              client_id: mapping.clientId,
              third_party_id_string: draft.key,
            },
          ],
          "throttled",
        );
        if (!res) return { id: "(dry run)" };
        const created = checkShape(Created, res.data, `${target.id} created ticket`);
        return { id: String(Array.isArray(created) ? created[0]?.id : created.id) };
      },
      async update(ticket, draft) {
        await postTickets("update the ticket", [
          {
            ...severityFields(draft),
            id: Number(ticket.id),
            summary: summary(draft),
            details_html: renderHtml(draft.doc),
          },
        ]);
      },
      async note(ticket, note) {
        await http.send("add a note", {
          method: "POST",
          url: api("Actions"),
          headers: await bearer(),
          json: [
            {
              ...target.noteFields,
              ticket_id: Number(ticket.id),
              note_html: renderHtml(note),
              hiddenfromuser: true,
            },
          ],
          kind: "write",
        });
      },
      async close(ticket) {
        await postTickets("close the ticket", [{ ...target.closeFields, id: Number(ticket.id) }]);
      },
    };
  },
});
