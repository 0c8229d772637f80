import { startEmulator } from "../../../emulator/server.js";
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
 * instance makes mandatory: 500 with Autotask's `errors` list when one is missing).
 */

export interface AutotaskEmulatorOptions extends TicketEmulatorOptions {
  username: string;
  secret: string;
  integrationCode: string;
  /** Company ids that exist. */
  companies: number[];
  /** Fields this instance requires on a new ticket besides companyID and title (e.g. status, priority). */
  requiredFields?: string[];
  /** Status value of a completed ticket (5 by default). */
  completeStatus?: number;
}

const zonePath = "/zone/ATServicesRest/";

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
      if (typeof body.companyID !== "number" || !options.companies.includes(body.companyID))
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
