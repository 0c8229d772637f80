import { randomBytes } from "node:crypto";
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
 * A stand-in for HaloPSA: `POST /auth/token` (client credentials, form-encoded; `invalid_client` 401
 * otherwise) issuing bearer tokens, `/api/Tickets` taking an **array** (an item with `id` updates that
 * ticket; one posted ticket is answered with the ticket), and `/api/Actions` (array) for notes. Clients:
 * `GET /api/Client` answers `{ record_count, clients }`; with `pageinate=true` one page of `page_size` at
 * `page_no` (from 1), `record_count` counting every match; `includeinactive=false` leaves inactive ones out.
 */

export interface HaloEmulatorOptions extends TicketEmulatorOptions {
  clientId: string;
  clientSecret: string;
  /** Clients (customers) that exist: an id, or a record for the client list. */
  clients: Array<number | HaloClientRecord>;
  /** Largest page served; smaller to exercise paging. */
  maxPageSize?: number;
  /** status_id values that close a ticket. */
  closedStatusIds?: number[];
  /** Token lifetime in seconds (default 3600). */
  expiresIn?: number;
}

export interface HaloClientRecord {
  id: number;
  name: string;
  website?: string;
  inactive?: boolean;
}

function clientRecord(c: number | HaloClientRecord): HaloClientRecord {
  return typeof c === "number" ? { id: c, name: `Client ${c}` } : c;
}

function clientsPage(
  query: URLSearchParams,
  clients: HaloClientRecord[],
  maxPageSize: number,
): EmulatorResponse {
  const found = clients.filter((c) => query.get("includeinactive") !== "false" || !c.inactive);
  if (query.get("pageinate") !== "true") return json(200, { record_count: found.length, clients: found });
  const size = Math.min(Number(query.get("page_size") ?? 50), maxPageSize);
  const page = Number(query.get("page_no") ?? 1);
  if (!Number.isInteger(size) || size < 1 || !Number.isInteger(page) || page < 1)
    return json(400, { message: "page_size and page_no must be positive integers" });
  return json(200, { record_count: found.length, clients: found.slice((page - 1) * size, page * size) });
}

export async function startHaloEmulator(
  options: HaloEmulatorOptions,
): Promise<TicketEmulator & { tokensIssued: () => number }> {
  const tickets: EmulatedTicket[] = [];
  const tokens = new Set<string>();
  const closed = new Set(options.closedStatusIds ?? [9]);
  let nextId = 4100;
  let issued = 0;
  const clients = options.clients.map(clientRecord);
  const clientIds = clients.map((c) => c.id);
  const emulator = await startEmulator((req) => {
    if (req.path === "/auth/token" && req.method === "POST") {
      const form = new URLSearchParams(req.body);
      if (String(req.headers["content-type"]).split(";")[0] !== "application/x-www-form-urlencoded")
        return json(400, { error: "invalid_request" });
      if (form.get("grant_type") !== "client_credentials")
        return json(400, { error: "unsupported_grant_type" });
      if (form.get("client_id") !== options.clientId || form.get("client_secret") !== options.clientSecret)
        return json(401, { error: "invalid_client" });
      const token = randomBytes(16).toString("hex");
      tokens.add(token);
      issued++;
      return json(200, {
        scope: form.get("scope") ?? "all",
        token_type: "Bearer",
        access_token: token,
        expires_in: options.expiresIn ?? 3600,
      });
    }
    if (!req.path.startsWith("/api/")) return json(404, { message: "Not found" });
    const auth = req.headers.authorization;
    if (typeof auth !== "string" || !auth.startsWith("Bearer ") || !tokens.has(auth.slice(7)))
      return json(401, { message: "Authorization has been denied for this request." });
    const body = parseBody(req.body);

    if (req.path === "/api/Client" && req.method === "GET")
      return clientsPage(req.query, clients, options.maxPageSize ?? 1000);
    if (req.path === "/api/Tickets" && req.method === "POST") {
      if (!Array.isArray(body) || !body.every(isObject))
        return json(400, { message: "An array of tickets is expected" });
      const out: Array<Record<string, unknown>> = [];
      for (const item of body as Array<Record<string, unknown>>) {
        if (item.id !== undefined) {
          const ticket = tickets.find((t) => t.id === String(item.id));
          if (!ticket) return json(404, { message: `Ticket ${String(item.id)} not found` });
          if (item.client_id !== undefined && item.client_id !== ticket.fields.client_id)
            return json(400, { message: "client_id cannot be changed here" });
          const { id: _id, ...fields } = item;
          Object.assign(ticket.fields, fields);
          ticket.closed = closed.has(Number(ticket.fields.status_id));
          out.push({ id: Number(ticket.id), ...ticket.fields });
          continue;
        }
        if (typeof item.summary !== "string" || !item.summary)
          return json(400, { message: "summary is required" });
        if (typeof item.client_id !== "number" || !clientIds.includes(item.client_id))
          return json(400, { message: "A valid client_id is required" });
        const ticket: EmulatedTicket = {
          id: String(nextId++),
          fields: { ...item },
          notes: [],
          closed: false,
        };
        tickets.push(ticket);
        out.push({ id: Number(ticket.id), ...ticket.fields });
      }
      return json(201, out.length === 1 ? out[0] : out);
    }
    if (req.path === "/api/Actions" && req.method === "POST") {
      if (!Array.isArray(body) || !body.every(isObject))
        return json(400, { message: "An array of actions is expected" });
      for (const action of body as Array<Record<string, unknown>>) {
        const ticket = tickets.find((t) => t.id === String(action.ticket_id));
        if (!ticket) return json(404, { message: `Ticket ${String(action.ticket_id)} not found` });
        const text = typeof action.note_html === "string" ? action.note_html : action.note;
        if (typeof text !== "string" || !text) return json(400, { message: "note is required" });
        ticket.notes.push({ text, fields: action });
      }
      return json(201, body.length === 1 ? body[0] : body);
    }
    return json(404, { message: `${req.method} ${req.path} is not served` });
  }, options);
  return Object.assign(withTickets(emulator, tickets), { tokensIssued: () => issued });
}
