import type { EmulatorOptions, EmulatorResponse, RunningEmulator } from "../../../emulator/server.js";

/**
 * What the ticketing emulators share: a record of the tickets each system holds (for assertions and the
 * demo), and small helpers for the auth checks. The vendor behaviour (endpoints, auth, dedupe queries,
 * body shapes, error bodies) lives in each emulator file.
 */

export interface EmulatedNote {
  text: string;
  fields: Record<string, unknown>;
}

export interface EmulatedTicket {
  /** The system's id (ConnectWise/Autotask/Halo number as text, Jira key, ServiceNow sys_id). */
  id: string;
  /** Every field as last written. */
  fields: Record<string, unknown>;
  notes: EmulatedNote[];
  closed: boolean;
}

export interface TicketEmulator extends RunningEmulator {
  tickets: EmulatedTicket[];
  /** Requests that created, changed or noted a ticket. */
  writes(): RunningEmulator["requests"];
}

export type TicketEmulatorOptions = EmulatorOptions;

export function withTickets(emulator: RunningEmulator, tickets: EmulatedTicket[]): TicketEmulator {
  return Object.assign(emulator, {
    tickets,
    writes: () =>
      emulator.requests.filter((r) => r.method !== "GET" && !/\/(auth\/token|query)$/i.test(r.path)),
  });
}

/** `Basic user:password` from a header, or undefined. */
export function basicCredentials(
  header: string | string[] | undefined,
): { user: string; password: string } | undefined {
  if (typeof header !== "string" || !header.startsWith("Basic ")) return undefined;
  const text = Buffer.from(header.slice(6), "base64").toString("utf8");
  const colon = text.indexOf(":");
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

export function json(status: number, body: unknown, headers?: Record<string, string>): EmulatorResponse {
  return { status, body, ...(headers ? { headers } : {}) };
}

/** Parses a JSON request body; undefined when it is not JSON. */
export function parseBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
