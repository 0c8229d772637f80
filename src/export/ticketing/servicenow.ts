import { z } from "zod";
import { checkShape } from "../../collect/http.js";
import { joinUrl } from "./http.js";
import { clip, forTicketLine, renderText } from "./render.js";
import { type ServiceNowMapping, ServiceNowTarget } from "./targets/servicenow.js";
import { defineConnector, type JsonObject, type TicketDraft } from "./types.js";

/**
 * ServiceNow incidents through the Table API.
 * - Auth: Basic.
 * - Create `POST /api/now/table/{table}`; update, work notes and close `PATCH /api/now/table/{table}/{sys_id}`
 *   (setting `work_notes` adds a journal entry).
 * - Dedupe: `correlation_id` holds the key and `correlation_display` names the source (mfasweep); looked up
 *   with `sysparm_query=correlation_id=…^correlation_display=…^company=…^active=true`, in the tenant's
 *   company only.
 * Which fields an instance requires (caller, assignment group) and how it resolves an incident (state,
 * close code, close notes) are per instance: `fields` and `closeFields`.
 */

export { ServiceNowMapping, ServiceNowTarget } from "./targets/servicenow.js";

const Record_ = z.object({ sys_id: z.string(), number: z.string().optional() });

export const servicenow = defineConnector<ServiceNowTarget, ServiceNowMapping>({
  type: "servicenow",
  schema: ServiceNowTarget,
  lookup: "dedupe-field",
  createRetry: "after-lookup",
  mapping: (target, tenant) => target.tenants[tenant],
  async open(target, { http, secret }) {
    const password = await secret(target.auth.password);
    const basic = Buffer.from(`${target.auth.username}:${password.reveal()}`).toString("base64");
    http.addSecret(basic);
    const headers = { authorization: `Basic ${basic}` };
    const table = (suffix = "", query?: Record<string, string | number | undefined>) =>
      joinUrl(target.endpoint, `api/now/table/${target.table}${suffix}`, query);
    const record = (id: string) => table(`/${encodeURIComponent(id)}`);
    const form = (id: string) => joinUrl(target.endpoint, `${target.table}.do`, { sys_id: id }).toString();
    const short = (draft: TicketDraft) => clip(forTicketLine(draft.title), target.maxTitleLength);
    const severityFields = (draft: TicketDraft) => target.severityFields?.[draft.severity] ?? {};
    const text = (doc: TicketDraft["doc"]) => clip(renderText(doc), target.maxDescriptionLength);
    const patch = async (label: string, id: string, body: JsonObject) => {
      await http.send(label, { method: "PATCH", url: record(id), headers, json: body, kind: "write" });
    };

    return {
      async find(key, { mapping }) {
        const res = await http.send("look up the incident by correlation_id", {
          method: "GET",
          url: table("", {
            sysparm_query: `correlation_id=${key}^correlation_display=${target.correlationDisplay}^company=${mapping.company}^active=true`,
            sysparm_limit: 1,
            sysparm_fields: "sys_id,number",
          }),
          headers,
          kind: "read",
        });
        const found = checkShape(
          z.object({ result: z.array(Record_) }),
          res?.data,
          `${target.id} lookup`,
        ).result;
        return found[0] ? { id: found[0].sys_id, url: form(found[0].sys_id) } : undefined;
      },
      async create(draft, { mapping }) {
        const res = await http.send("create an incident", {
          method: "POST",
          url: table(),
          headers,
          json: {
            ...target.fields,
            ...severityFields(draft),
            ...mapping.fields,
            short_description: short(draft),
            description: text(draft.doc),
            // Set last: no `fields` entry can move an incident to another company or lose its key.
            company: mapping.company,
            correlation_id: draft.key,
            correlation_display: target.correlationDisplay,
          },
          kind: "write",
          retry: "throttled",
        });
        if (!res) return { id: "(dry run)" };
        const created = checkShape(
          z.object({ result: Record_ }),
          res.data,
          `${target.id} created incident`,
        ).result;
        return { id: created.sys_id, url: form(created.sys_id) };
      },
      async update(ticket, draft) {
        await patch("update the incident", ticket.id, {
          ...severityFields(draft),
          short_description: short(draft),
          description: text(draft.doc),
        });
      },
      async note(ticket, note) {
        await patch("add a work note", ticket.id, { work_notes: text(note) });
      },
      async close(ticket) {
        await patch("resolve the incident", ticket.id, target.closeFields ?? {});
      },
    };
  },
});
