import { randomBytes } from "node:crypto";
import { startEmulator } from "../../../emulator/server.js";
import {
  basicCredentials,
  type EmulatedTicket,
  isObject,
  json,
  parseBody,
  type TicketEmulator,
  type TicketEmulatorOptions,
  withTickets,
} from "./common.js";

/**
 * A stand-in for the ServiceNow Table API on `incident`: Basic auth, `sysparm_query` (`field=value` joined
 * by `^`, with `active=true`), `sysparm_limit`, create (201 `{ result }` with a sys_id and an INC number),
 * PATCH by sys_id, `work_notes` appended to the journal, and states that make an incident inactive.
 */

export interface ServiceNowEmulatorOptions extends TicketEmulatorOptions {
  username: string;
  password: string;
  /** core_company sys_ids that exist. */
  companies: string[];
  /** `state` values that make an incident inactive (default 6 Resolved, 7 Closed). */
  inactiveStates?: string[];
}

export async function startServiceNowEmulator(options: ServiceNowEmulatorOptions): Promise<TicketEmulator> {
  const tickets: EmulatedTicket[] = [];
  const inactive = new Set(options.inactiveStates ?? ["6", "7"]);
  let number = 10001;
  const base = "/api/now/table/incident";
  const record = (t: EmulatedTicket) => ({ sys_id: t.id, ...t.fields, active: String(!t.closed) });
  const emulator = await startEmulator((req) => {
    const creds = basicCredentials(req.headers.authorization);
    if (!creds || creds.user !== options.username || creds.password !== options.password)
      return json(401, {
        error: { message: "User Not Authenticated", detail: "Required to provide Auth information" },
        status: "failure",
      });
    const body = parseBody(req.body);
    if (req.path === base && req.method === "GET") {
      const query = req.query.get("sysparm_query") ?? "";
      const terms = query ? query.split("^").map((t) => t.split("=")) : [];
      if (terms.some((t) => t.length !== 2))
        return json(400, { error: { message: "Invalid query", detail: query }, status: "failure" });
      const found = tickets.filter((t) =>
        terms.every(([field, value]) =>
          field === "active" ? String(!t.closed) === value : String(t.fields[field!] ?? "") === value,
        ),
      );
      const limit = Number(req.query.get("sysparm_limit") ?? 10000);
      const fields = req.query.get("sysparm_fields")?.split(",");
      return json(200, {
        result: found.slice(0, limit).map((t) => {
          const r = record(t) as Record<string, unknown>;
          return fields ? Object.fromEntries(fields.map((f) => [f, r[f] ?? ""])) : r;
        }),
      });
    }
    if (req.path === base && req.method === "POST") {
      if (!isObject(body) || typeof body.short_description !== "string")
        return json(400, { error: { message: "short_description is mandatory" }, status: "failure" });
      if (typeof body.company !== "string" || !options.companies.includes(body.company))
        return json(400, { error: { message: "Invalid company reference" }, status: "failure" });
      const { work_notes: notes, ...fields } = body;
      const ticket: EmulatedTicket = {
        id: randomBytes(16).toString("hex"),
        fields: { ...fields, number: `INC00${number++}` },
        notes: typeof notes === "string" ? [{ text: notes, fields: {} }] : [],
        closed: false,
      };
      tickets.push(ticket);
      return json(201, { result: record(ticket) }, { location: `${req.baseUrl}${base}/${ticket.id}` });
    }
    const one = new RegExp(`^${base}/([0-9a-f]{32})$`).exec(req.path);
    if (one && req.method === "PATCH") {
      const ticket = tickets.find((t) => t.id === one[1]);
      if (!ticket) return json(404, { error: { message: "No Record found" }, status: "failure" });
      if (!isObject(body)) return json(400, { error: { message: "Invalid body" }, status: "failure" });
      const { work_notes: notes, ...fields } = body;
      if (typeof notes === "string" && notes) ticket.notes.push({ text: notes, fields: {} });
      Object.assign(ticket.fields, fields);
      if (typeof ticket.fields.state === "string" && inactive.has(ticket.fields.state)) ticket.closed = true;
      return json(200, { result: record(ticket) });
    }
    return json(400, { error: { message: `${req.method} ${req.path} is not served` }, status: "failure" });
  }, options);
  return withTickets(emulator, tickets);
}
