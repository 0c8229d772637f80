import { type EmulatorResponse, startEmulator } from "../../../emulator/server.js";
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
 * A stand-in for ConnectWise PSA's service ticket API under `/v4_6_release/apis/3.0`: Basic
 * `company+public:private` **and** the `clientId` header on every request (401 otherwise), `conditions`
 * lookups (`field="value"` joined by `and`), tickets with `externalXRef`, JSON Patch updates, notes, and a
 * status that closes a ticket (`closedFlag`). Companies: `GET /company/companies` with `conditions`,
 * `fields` (comma-separated), `page` (from 1; past the end an empty array) and `pageSize` (default 25,
 * at most 1000), records `id`, `identifier`, `name`, `website`, `deletedFlag`.
 */

export interface ConnectWiseEmulatorOptions extends TicketEmulatorOptions {
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
  /** Companies that exist (others are refused): an id, or a record for the company list. */
  companies: Array<number | ConnectWiseCompany>;
  /** Largest page served (default 1000, the documented maximum); smaller to exercise paging. */
  maxPageSize?: number;
  /** Status ids that mark a ticket closed. */
  closedStatusIds?: number[];
}

export interface ConnectWiseCompany {
  id: number;
  name: string;
  identifier?: string;
  website?: string;
  deletedFlag?: boolean;
}

export const connectwiseBasePath = "/v4_6_release/apis/3.0";

function companyRecord(c: number | ConnectWiseCompany): Record<string, unknown> {
  const r = typeof c === "number" ? { id: c, name: `Company ${c}`, identifier: `C${c}` } : c;
  return { deletedFlag: false, ...r };
}

/** One page of the company list, as `GET /company/companies` answers it. */
function companiesPage(
  query: URLSearchParams,
  companies: Array<Record<string, unknown>>,
  maxPageSize: number,
): EmulatorResponse {
  const conditions = parseConditions(query.get("conditions") ?? "deletedFlag=false");
  if (!conditions) return json(400, { code: "InvalidObject", message: "conditions could not be parsed" });
  const size = Math.min(Number(query.get("pageSize") ?? 25), maxPageSize);
  const page = Number(query.get("page") ?? 1);
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1)
    return json(400, { code: "InvalidObject", message: "page and pageSize must be positive integers" });
  const fields = query.get("fields")?.split(",");
  const found = companies
    .filter((c) => conditions.every(([f, v]) => String(c[f] ?? "") === v))
    .sort((a, b) => Number(a.id) - Number(b.id))
    .slice((page - 1) * size, page * size);
  return json(
    200,
    found.map((c) => (fields ? Object.fromEntries(fields.filter((f) => f in c).map((f) => [f, c[f]])) : c)),
  );
}

/** `externalXRef="k" and closedFlag=false and company/id=250` → [[field, value], …]. */
function parseConditions(text: string): Array<[string, string]> | undefined {
  const parts = text.split(/\s+and\s+/i);
  const out: Array<[string, string]> = [];
  for (const part of parts) {
    const m = /^\s*([A-Za-z/]+)\s*=\s*(?:"([^"]*)"|([^\s"]+))\s*$/.exec(part);
    if (!m) return undefined;
    out.push([m[1]!, m[2] ?? m[3]!]);
  }
  return out;
}

function fieldOf(ticket: EmulatedTicket, field: string): string {
  if (field === "closedFlag") return String(ticket.closed);
  if (field === "company/id") return String((ticket.fields.company as { id?: unknown } | undefined)?.id);
  return String(ticket.fields[field] ?? "");
}

export async function startConnectWiseEmulator(options: ConnectWiseEmulatorOptions): Promise<TicketEmulator> {
  const tickets: EmulatedTicket[] = [];
  const closed = new Set(options.closedStatusIds ?? [42]);
  let nextId = 1000;
  const companies = options.companies.map(companyRecord);
  const companyIds = companies.map((c) => Number(c.id));
  const emulator = await startEmulator((req) => {
    if (!req.path.startsWith(connectwiseBasePath))
      return json(404, { code: "NotFound", message: "Not found" });
    const path = req.path.slice(connectwiseBasePath.length);
    const creds = basicCredentials(req.headers.authorization);
    if (
      !creds ||
      creds.user !== `${options.companyId}+${options.publicKey}` ||
      creds.password !== options.privateKey
    )
      return json(401, { code: "Unauthorized", message: "Authentication failed" });
    if (req.headers.clientid !== options.clientId)
      return json(401, { code: "Unauthorized", message: "A valid clientId is required" });

    if (path === "/company/companies" && req.method === "GET")
      return companiesPage(req.query, companies, options.maxPageSize ?? 1000);
    const find = (id: string) => tickets.find((t) => t.id === id);
    if (path === "/service/tickets" && req.method === "GET") {
      const conditions = parseConditions(req.query.get("conditions") ?? "");
      if (!conditions) return json(400, { code: "InvalidObject", message: "conditions could not be parsed" });
      const found = tickets.filter((t) => conditions.every(([f, v]) => fieldOf(t, f) === v));
      const size = Math.min(Number(req.query.get("pageSize") ?? 25), 1000);
      return json(
        200,
        found.slice(0, size).map((t) => ({ id: Number(t.id), summary: t.fields.summary })),
      );
    }
    if (path === "/service/tickets" && req.method === "POST") {
      const body = parseBody(req.body);
      if (!isObject(body) || typeof body.summary !== "string" || !body.summary)
        return json(400, { code: "InvalidObject", message: "summary is required" });
      const company = isObject(body.company) ? body.company.id : undefined;
      if (typeof company !== "number" || !companyIds.includes(company))
        return json(400, { code: "InvalidObject", message: "company: a valid company is required" });
      const ticket: EmulatedTicket = { id: String(nextId++), fields: { ...body }, notes: [], closed: false };
      tickets.push(ticket);
      return json(201, { id: Number(ticket.id), ...ticket.fields });
    }
    const one = /^\/service\/tickets\/(\d+)(\/notes)?$/.exec(path);
    if (one) {
      const ticket = find(one[1]!);
      if (!ticket) return json(404, { code: "NotFound", message: `Ticket ${one[1]} not found` });
      const body = parseBody(req.body);
      if (one[2] && req.method === "POST") {
        if (!isObject(body) || typeof body.text !== "string" || !body.text)
          return json(400, { code: "InvalidObject", message: "text is required" });
        ticket.notes.push({ text: body.text, fields: body });
        return json(201, { id: ticket.notes.length, ticketId: Number(ticket.id), ...body });
      }
      if (!one[2] && req.method === "PATCH") {
        if (!Array.isArray(body) || !body.every((op) => isObject(op) && typeof op.path === "string"))
          return json(400, { code: "InvalidObject", message: "a JSON Patch array is expected" });
        for (const op of body as Array<{ op: string; path: string; value: unknown }>) {
          if (op.op !== "replace" && op.op !== "add")
            return json(400, { code: "InvalidObject", message: `unsupported op ${op.op}` });
          if (op.path === "company" || op.path === "externalXRef")
            return json(400, { code: "InvalidObject", message: `${op.path} is not changed this way` });
          ticket.fields[op.path.replace(/^\//, "")] = op.value;
        }
        const status = ticket.fields.status as { id?: number } | undefined;
        ticket.closed = status?.id !== undefined && closed.has(status.id);
        return json(200, { id: Number(ticket.id), ...ticket.fields, closedFlag: ticket.closed });
      }
    }
    return json(404, { code: "NotFound", message: `${req.method} ${path} is not served` });
  }, options);
  return withTickets(emulator, tickets);
}
