import { z } from "zod";
import { checkShape } from "../../collect/http.js";
import { ProviderResponseError } from "../../errors.js";
import { joinUrl } from "./http.js";
import { clip, forTicketLine, renderText } from "./render.js";
import { type AutotaskMapping, AutotaskTarget } from "./targets/autotask.js";
import {
  defineConnector,
  type JsonObject,
  maxCompanyPages,
  type PsaCompany,
  type TicketDraft,
} from "./types.js";

/**
 * Autotask PSA tickets (REST API v1.0).
 * - Zone discovery first: `GET {zoneLookup}/V1.0/zoneInformation?user=<api user>` (no credentials) answers
 *   `{ url }`, the zone's `…/ATServicesRest/`; every other request goes there. `zoneUrl` skips it.
 * - Auth: headers `ApiIntegrationCode`, `UserName`, `Secret`.
 * - Create `POST V1.0/Tickets` (answers `{ itemId }`); update and close `PATCH V1.0/Tickets` with `id`;
 *   notes `POST V1.0/Tickets/{id}/Notes`.
 * - Dedupe: `externalID` holds the key; looked up with `POST V1.0/Tickets/query` filtering on externalID,
 *   the tenant's companyID and a status other than the closed one.
 * Which ticket fields an instance requires (status, priority, queue, …) and a note's `noteType`/`publish`
 * are picklists of each instance: set them in `fields` and `noteFields` (see Tickets/entityInformation/fields).
 * The default closed status is 5 (Complete).
 * - Companies (`tickets map`): `GET V1.0/Companies/query?search={"filter":[…isActive eq true]}`, then each
 *   `pageDetails.nextPageUrl` with GET until it is null (up to 500 items a page). The next-page URL comes
 *   from the network and our credentials go to it: only the zone's own origin is followed. Fields used:
 *   `id`, `companyName`, `webAddress`, `isActive`. Sources: aenichols/ATREST-CSharp-Client (the generated
 *   client of Autotask's swagger: `CompaniesApi.md` `GET /V1.0/Companies/query`, `CompanyModel.cs` JSON
 *   names, `PagingModel.md` `nextPageUrl`), KelvinTegelaar/AutotaskAPI `Get-AutotaskAPIResource.ps1`
 *   (`query?search=<JSON>`, following `PageDetails.NextPageUrl` with GET until null).
 */

export { AutotaskMapping, AutotaskTarget } from "./targets/autotask.js";

const Zone = z.object({ url: z.url() });
const Created = z.object({ itemId: z.union([z.number(), z.string()]) });
const Query = z.object({ items: z.array(z.object({ id: z.union([z.number(), z.string()]) })) });
const CompanyPage = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      companyName: z.string(),
      webAddress: z.string().nullish(),
      isActive: z.boolean().nullish(),
    }),
  ),
  pageDetails: z.object({ nextPageUrl: z.string().nullish() }),
});

/**
 * The zone URL comes from the network and our credentials go to it: only a host of the lookup's own
 * domain (*.autotask.net for the real service), or the lookup host itself, is accepted.
 */
function trustedZone(lookup: URL, zone: URL): boolean {
  if (zone.hostname === lookup.hostname) return true;
  const domain = lookup.hostname.split(".").slice(-2).join(".");
  return domain === "autotask.net" && zone.hostname.endsWith(".autotask.net") && zone.protocol === "https:";
}

export const autotask = defineConnector<AutotaskTarget, AutotaskMapping>({
  type: "autotask",
  schema: AutotaskTarget,
  lookup: "dedupe-field",
  createRetry: "after-lookup",
  companyField: "companyId",
  mapping: (target, tenant) => target.tenants[tenant],
  async open(target, { http, secret }) {
    const [apiSecret, integrationCode] = await Promise.all([
      secret(target.auth.secret),
      secret(target.auth.integrationCode),
    ]);
    const headers = {
      ApiIntegrationCode: integrationCode.reveal(),
      UserName: target.auth.username,
      Secret: apiSecret.reveal(),
    };
    let zone: string | undefined = target.zoneUrl;
    const base = async (): Promise<string> => {
      if (zone) return zone;
      const lookup = joinUrl(target.endpoint, "V1.0/zoneInformation", { user: target.auth.username });
      const res = await http.send("find the account's zone", { method: "GET", url: lookup, kind: "read" });
      const url = checkShape(Zone, res?.data, `${target.id} zoneInformation`).url;
      if (!trustedZone(lookup, new URL(url)))
        throw new ProviderResponseError(
          `${target.id}: zoneInformation named ${new URL(url).origin}, which is not an Autotask host; not sending credentials there`,
        );
      zone = url;
      return zone;
    };
    const url = async (path: string) => joinUrl(await base(), path);
    const title = (draft: TicketDraft) => clip(forTicketLine(draft.title), target.maxTitleLength);
    const severityFields = (draft: TicketDraft) => target.severityFields?.[draft.severity] ?? {};
    const closedStatus = target.closeFields.status;
    const text = (doc: TicketDraft["doc"]) => clip(renderText(doc), target.maxDescriptionLength);

    return {
      async listCompanies() {
        const first = await url("V1.0/Companies/query");
        first.searchParams.set(
          "search",
          JSON.stringify({ filter: [{ op: "eq", field: "isActive", value: true }] }),
        );
        const out: PsaCompany[] = [];
        let next: URL | undefined = first;
        for (let page = 1; next && page <= maxCompanyPages; page++) {
          const res = await http.send("list companies", { method: "GET", url: next, headers, kind: "read" });
          const body = checkShape(CompanyPage, res?.data, `${target.id} companies, page ${page}`);
          for (const c of body.items)
            if (c.isActive !== false)
              out.push({ id: c.id, name: c.companyName, ...(c.webAddress ? { website: c.webAddress } : {}) });
          next = body.pageDetails.nextPageUrl ? new URL(body.pageDetails.nextPageUrl, first) : undefined;
          if (next && next.origin !== first.origin)
            throw new ProviderResponseError(
              `${target.id}: the next page of companies is on ${next.origin}, not the zone's ${first.origin}; not sending credentials there`,
            );
        }
        if (next)
          throw new ProviderResponseError(
            `${target.id}: more than ${maxCompanyPages} pages of companies; stopped`,
          );
        return out;
      },
      async find(key, { mapping }) {
        const filter: JsonObject[] = [
          { op: "eq", field: "externalID", value: key },
          { op: "eq", field: "companyID", value: mapping.companyId },
        ];
        if (typeof closedStatus === "number" || typeof closedStatus === "string")
          filter.push({ op: "noteq", field: "status", value: closedStatus });
        const res = await http.send("look up the ticket by externalID", {
          method: "POST",
          url: await url("V1.0/Tickets/query"),
          headers,
          json: { filter },
          kind: "read",
        });
        const found = checkShape(Query, res?.data, `${target.id} ticket query`).items;
        return found[0] ? { id: String(found[0].id) } : undefined;
      },
      async create(draft, { mapping }) {
        const res = await http.send("create a ticket", {
          method: "POST",
          url: await url("V1.0/Tickets"),
          headers,
          json: {
            ...target.fields,
            ...severityFields(draft),
            ...mapping.fields,
            title: title(draft),
            description: text(draft.doc),
            ...(mapping.queueId ? { queueID: mapping.queueId } : {}),
            // Set last: no `fields` entry can move a ticket to another company or lose its key.
            companyID: mapping.companyId,
            externalID: draft.key,
          },
          kind: "write",
          retry: "throttled",
        });
        if (!res) return { id: "(dry run)" };
        return { id: String(checkShape(Created, res.data, `${target.id} created ticket`).itemId) };
      },
      async update(ticket, draft) {
        await http.send("update the ticket", {
          method: "PATCH",
          url: await url("V1.0/Tickets"),
          headers,
          json: {
            ...severityFields(draft),
            id: Number(ticket.id),
            title: title(draft),
            description: text(draft.doc),
          },
          kind: "write",
        });
      },
      async note(ticket, note) {
        await http.send("add a note", {
          method: "POST",
          url: await url(`V1.0/Tickets/${ticket.id}/Notes`),
          headers,
          json: {
            ...target.noteFields,
            title: "mfasweep",
            description: text(note),
            ticketID: Number(ticket.id),
          },
          kind: "write",
        });
      },
      async close(ticket) {
        await http.send("close the ticket", {
          method: "PATCH",
          url: await url("V1.0/Tickets"),
          headers,
          json: { ...target.closeFields, id: Number(ticket.id) },
          kind: "write",
        });
      },
    };
  },
});
