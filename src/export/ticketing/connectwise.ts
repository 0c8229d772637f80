import { z } from "zod";
import { checkShape } from "../../collect/http.js";
import { ProviderResponseError } from "../../errors.js";
import { appendAll } from "../../util/arrays.js";
import { joinUrl } from "./http.js";
import { clip, forTicketLine, renderText } from "./render.js";
import { type ConnectWiseMapping, ConnectWiseTarget } from "./targets/connectwise.js";
import {
  defineConnector,
  type JsonObject,
  maxCompanyPages,
  type PsaCompany,
  type TicketDraft,
} from "./types.js";

/**
 * ConnectWise PSA (Manage) service tickets.
 * - Auth: `Authorization: Basic base64("{companyId}+{publicKey}:{privateKey}")` and a `clientId` header;
 *   `Accept: application/vnd.connectwise.com+json; version=…` when `apiVersion` is set.
 * - Create `POST /service/tickets`; update `PATCH /service/tickets/{id}` (JSON Patch operations); notes
 *   `POST /service/tickets/{id}/notes` (internal analysis, so the customer is not mailed).
 * - Dedupe: `externalXRef` holds the key; looked up with
 *   `conditions=externalXRef="…" and closedFlag=false and company/id=…` (only in the tenant's company).
 * The initial description cannot be rewritten after creation, so an update replaces the summary and adds
 * the new details as a note. Board statuses differ per board: closing needs `closeFields`.
 * - Companies (`tickets map`): `GET /company/companies` with `conditions=deletedFlag=false`,
 *   `fields=id,identifier,name,website`, `orderBy=id asc` (a stable page walk), `page` from 1 and `pageSize`
 *   1000 (the documented maximum), until a page comes back empty. Sources: the generated API docs in
 *   Jetbuilt/connect_wise (`docs/CompaniesApi.md`, `docs/Company.md`: `identifier`, `name`, `id`, `website`,
 *   `deletedFlag`; query `conditions`, `fields`, `orderBy`, `page`, `pageSize`), christaylorcodes/
 *   ConnectWiseManageAPI (`page`/`pageSize` paging), and the reference's quick-ref (`pageSize` max 1000).
 */

export { ConnectWiseMapping, ConnectWiseTarget } from "./targets/connectwise.js";

const Ticket = z.object({ id: z.number().int() });
const Company = z.object({
  id: z.number().int(),
  name: z.string(),
  identifier: z.string().nullish(),
  website: z.string().nullish(),
});
const companyPageSize = 1000;

export const connectwise = defineConnector<ConnectWiseTarget, ConnectWiseMapping>({
  type: "connectwise",
  schema: ConnectWiseTarget,
  lookup: "dedupe-field",
  createRetry: "after-lookup",
  companyField: "companyId",
  mapping: (target, tenant) => target.tenants[tenant],
  async open(target, { http, secret }) {
    const [publicKey, privateKey, clientId] = await Promise.all([
      secret(target.auth.publicKey),
      secret(target.auth.privateKey),
      secret(target.auth.clientId),
    ]);
    const basic = Buffer.from(
      `${target.auth.companyId}+${publicKey.reveal()}:${privateKey.reveal()}`,
    ).toString("base64");
    http.addSecret(basic);
    const headers = {
      authorization: `Basic ${basic}`,
      clientId: clientId.reveal(),
      ...(target.apiVersion
        ? { accept: `application/vnd.connectwise.com+json; version=${target.apiVersion}` }
        : {}),
    };
    const url = (path: string, query?: Record<string, string | number | undefined>) =>
      joinUrl(target.endpoint, path, query);
    const summary = (draft: TicketDraft) => clip(forTicketLine(draft.title), target.maxTitleLength);
    const severityFields = (draft: TicketDraft) => target.severityFields?.[draft.severity] ?? {};
    const patch = (fields: JsonObject) =>
      Object.entries(fields).map(([path, value]) => ({ op: "replace", path, value }));
    const addNote = async (id: string, text: string) => {
      await http.send("add a note", {
        method: "POST",
        url: url(`service/tickets/${id}/notes`),
        headers,
        json: { text, internalAnalysisFlag: true },
        kind: "write",
      });
    };

    return {
      async listCompanies() {
        const out: PsaCompany[] = [];
        for (let page = 1; page <= maxCompanyPages; page++) {
          const res = await http.send("list companies", {
            method: "GET",
            url: url("company/companies", {
              conditions: "deletedFlag=false",
              fields: "id,identifier,name,website",
              orderBy: "id asc",
              page,
              pageSize: companyPageSize,
            }),
            headers,
            kind: "read",
          });
          const rows = checkShape(z.array(Company), res?.data, `${target.id} companies, page ${page}`);
          if (rows.length === 0) return out;
          appendAll(
            out,
            rows.map((c) => ({
              id: c.id,
              name: c.name,
              ...(c.website ? { website: c.website } : {}),
              ...(c.identifier ? { identifier: c.identifier } : {}),
            })),
          );
        }
        throw new ProviderResponseError(
          `${target.id}: more than ${maxCompanyPages} pages of companies; stopped`,
        );
      },
      async find(key, { mapping }) {
        const res = await http.send("look up the ticket by externalXRef", {
          method: "GET",
          url: url("service/tickets", {
            conditions: `externalXRef="${key}" and closedFlag=false and company/id=${mapping.companyId}`,
            fields: "id",
            pageSize: 2,
          }),
          headers,
          kind: "read",
        });
        const found = checkShape(z.array(Ticket), res?.data, `${target.id} ticket lookup`);
        return found[0] ? { id: String(found[0].id) } : undefined;
      },
      async create(draft, { mapping }) {
        const res = await http.send("create a ticket", {
          method: "POST",
          url: url("service/tickets"),
          headers,
          json: {
            ...target.fields,
            ...severityFields(draft),
            ...mapping.fields,
            summary: summary(draft),
            initialDescription: renderText(draft.doc),
            ...(mapping.boardId ? { board: { id: mapping.boardId } } : {}),
            // Set last: no `fields` entry can move a ticket to another company or lose its key.
            company: { id: mapping.companyId },
            externalXRef: draft.key,
          },
          kind: "write",
          retry: "throttled",
        });
        if (!res) return { id: "(dry run)" };
        return { id: String(checkShape(Ticket, res.data, `${target.id} created ticket`).id) };
      },
      async update(ticket, draft) {
        await http.send("update the ticket", {
          method: "PATCH",
          url: url(`service/tickets/${ticket.id}`),
          headers,
          json: patch({ ...severityFields(draft), summary: summary(draft) }),
          kind: "write",
        });
        await addNote(ticket.id, `mfasweep updated this finding:\n\n${renderText(draft.doc)}`);
      },
      async note(ticket, note) {
        await addNote(ticket.id, renderText(note));
      },
      async close(ticket) {
        await http.send("close the ticket", {
          method: "PATCH",
          url: url(`service/tickets/${ticket.id}`),
          headers,
          json: patch(target.closeFields ?? {}),
          kind: "write",
        });
      },
    };
  },
});
