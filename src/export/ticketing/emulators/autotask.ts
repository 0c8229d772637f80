import { type EmulatorResponse, startEmulator } from "../../../emulator/server.js";
import {
  type EmulatedTicket,
  isObject,
  json,
  parseBody,
  type TicketEmulator,
  type TicketEmulatorOptions,
  withTickets,
} from "./common.js";

/**
 * A stand-in for Autotask's REST API: the credential-free zone lookup
 * (`/ATServicesRest/V1.0/zoneInformation?user=`) answering the zone's URL, and under that zone the
 * `ApiIntegrationCode`/`UserName`/`Secret` headers (401 otherwise), `Tickets/query` filters (eq, noteq),
 * ticket create (`{ itemId }`) and PATCH, notes, and the instance's required ticket fields (picklists an
 * instance makes mandatory: 500 with Autotask's `errors` list when one is missing). Companies:
 * `GET V1.0/Companies/query?search=<JSON filter>` (a filter is required), up to 500 items a page, and
 * `pageDetails.nextPageUrl` a GET URL for the next page (null on the last); items `id`, `companyName`,
 * `webAddress`, `isActive`.
 */

export interface AutotaskEmulatorOptions extends TicketEmulatorOptions {
  username: string;
  secret: string;
  integrationCode: string;
  /** Companies that exist: an id, or a record for the company list. */
  companies: Array<number | AutotaskCompany>;
  /** Items per page of a query (default 500); smaller to exercise paging. */
  pageSize?: number;
  /** Fields this instance requires on a new ticket besides companyID and title (e.g. status, priority). */
  requiredFields?: string[];
  /** Status value of a completed ticket (5 by default). */
  completeStatus?: number;
}

export interface AutotaskCompany {
  id: number;
  companyName: string;
  webAddress?: string;
  isActive?: boolean;
}

const zonePath = "/zone/ATServicesRest/";

function companyRecord(c: number | AutotaskCompany): Record<string, unknown> {
  return typeof c === "number"
    ? { id: c, companyName: `Company ${c}`, isActive: true }
    : { isActive: true, ...c };
}

/** One filter of a query (`eq`, `noteq`, `gte`) against a record; field names are case-insensitive. */
function recordMatches(record: Record<string, unknown>, filter: Record<string, unknown>): boolean {
  const field = String(filter.field ?? "").toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === field);
  const value = key ? record[key] : undefined;
  if (filter.op === "eq") return String(value) === String(filter.value);
  if (filter.op === "noteq") return String(value) !== String(filter.value);
  if (filter.op === "gte") return Number(value) >= Number(filter.value);
  return false;
}

/** `GET Companies/query?search=…[&page=n]`: one page, and the URL of the next while there is one. */
function companiesPage(
  req: { query: URLSearchParams; baseUrl: string },
  companies: Array<Record<string, unknown>>,
  pageSize: number,
): EmulatorResponse {
  const search = parseBody(req.query.get("search") ?? "");
  if (!isObject(search) || !Array.isArray(search.filter) || search.filter.length === 0)
    return json(500, { errors: ["A filter is required"] });
  const filters = search.filter.filter(isObject);
  const page = Number(req.query.get("page") ?? 0);
  const found = companies.filter((c) => filters.every((f) => recordMatches(c, f)));
  const items = found.slice(page * pageSize, (page + 1) * pageSize);
  const more = (page + 1) * pageSize < found.length;
  const next = new URL(`${req.baseUrl}${zonePath}V1.0/Companies/query`);
  next.searchParams.set("search", req.query.get("search") ?? "");
  next.searchParams.set("page", String(page + 1));
  return json(200, {
    items,
    pageDetails: {
      count: items.length,
      requestCount: pageSize,
      prevPageUrl: null,
      nextPageUrl: more ? next.toString() : null,
    },
  });
}

function matches(ticket: EmulatedTicket, filter: Record<string, unknown>): boolean {
  const field = String(filter.field ?? "");
  const key = Object.keys(ticket.fields).find((k) => k.toLowerCase() === field.toLowerCase());
  const value = field.toLowerCase() === "id" ? Number(ticket.id) : key ? ticket.fields[key] : undefined;
  if (filter.op === "eq") return String(value) === String(filter.value);
  if (filter.op === "noteq") return String(value) !== String(filter.value);
  return false;
}

export async function startAutotaskEmulator(options: AutotaskEmulatorOptions): Promise<TicketEmulator> {
  const tickets: EmulatedTicket[] = [];
  let nextId = 29680000;
  let nextNote = 1;
  const companies = options.companies.map(companyRecord);
  const companyIds = companies.map((c) => Number(c.id));
  const emulator = await startEmulator((req) => {
    if (/^\/ATServicesRest\/V1\.0\/zoneInformation$/i.test(req.path) && req.method === "GET") {
      if (req.query.get("user") !== options.username)
        return json(404, { errors: ["Zone information could not be determined"] });
      return json(200, {
        zoneName: "Emulated Zone",
        url: `${req.baseUrl}${zonePath}`,
        webUrl: req.baseUrl,
        ci: 7,
      });
    }
    if (!req.path.startsWith(`${zonePath}V1.0/`)) return json(404, { errors: ["Not found"] });
    if (
      req.headers.apiintegrationcode !== options.integrationCode ||
      req.headers.username !== options.username ||
      req.headers.secret !== options.secret
    )
      return json(401, { errors: ["Unauthorized"] });
    const path = req.path.slice(`${zonePath}V1.0`.length);
    const body = parseBody(req.body);

    if (path === "/Companies/query" && req.method === "GET")
      return companiesPage(req, companies, options.pageSize ?? 500);
    if (path === "/Tickets/query" && req.method === "POST") {
      if (!isObject(body) || !Array.isArray(body.filter))
        return json(500, { errors: ["A filter is required"] });
      const filters = body.filter.filter(isObject);
      const items = tickets.filter((t) => filters.every((f) => matches(t, f)));
      return json(200, {
        items: items.map((t) => ({ id: Number(t.id), ...t.fields })),
        pageDetails: { count: items.length, requestCount: 500, prevPageUrl: null, nextPageUrl: null },
      });
    }
    if (path === "/Tickets" && req.method === "POST") {
      if (!isObject(body)) return json(500, { errors: ["A ticket is required"] });
      const missing = ["companyID", "title", ...(options.requiredFields ?? [])].filter(
        (f) => body[f] === undefined || body[f] === null || body[f] === "",
      );
      if (missing.length) return json(500, { errors: missing.map((f) => `Missing Required Field: ${f}`) });
      if (typeof body.companyID !== "number" || !companyIds.includes(body.companyID))
        return json(500, { errors: [`companyID ${String(body.companyID)} does not exist`] });
      const ticket: EmulatedTicket = { id: String(nextId++), fields: { ...body }, notes: [], closed: false };
      tickets.push(ticket);
      return json(200, { itemId: Number(ticket.id) });
    }
    if (path === "/Tickets" && req.method === "PATCH") {
      if (!isObject(body) || body.id === undefined) return json(500, { errors: ["id is required"] });
      const ticket = tickets.find((t) => t.id === String(body.id));
      if (!ticket) return json(404, { errors: [`Ticket ${String(body.id)} not found`] });
      if (body.companyID !== undefined && body.companyID !== ticket.fields.companyID)
        return json(500, { errors: ["companyID cannot be changed"] });
      const { id: _id, ...fields } = body;
      Object.assign(ticket.fields, fields);
      ticket.closed = ticket.fields.status === (options.completeStatus ?? 5);
      return json(200, { itemId: Number(ticket.id) });
    }
    const notes = /^\/Tickets\/(\d+)\/Notes$/.exec(path);
    if (notes && req.method === "POST") {
      const ticket = tickets.find((t) => t.id === notes[1]);
      if (!ticket) return json(404, { errors: [`Ticket ${notes[1]} not found`] });
      if (!isObject(body) || typeof body.description !== "string")
        return json(500, { errors: ["description is required"] });
      ticket.notes.push({ text: body.description, fields: body });
      return json(200, { itemId: nextNote++ });
    }
    return json(404, { errors: [`${req.method} ${path} is not served`] });
  }, options);
  return withTickets(emulator, tickets);
}
