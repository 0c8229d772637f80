import { decodePageToken, encodePageToken, startEmulator } from "../../../emulator/server.js";
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
 * A stand-in for Jira Cloud REST v3: Basic `email:api_token`, issue create (project, issuetype, summary of
 * at most 255 characters, ADF description), edit, comments (ADF), transitions, and
 * `GET /rest/api/3/search/jql` with `nextPageToken` paging over a JQL subset
 * (`project = "X" AND labels = "L" AND statusCategory != Done`). The old `/rest/api/3/search` answers 410.
 * Search is eventually consistent like the real one: with `indexing: "manual"` a new issue is not found
 * until `flushIndex()`.
 */

export interface JiraEmulatorOptions extends TicketEmulatorOptions {
  email: string;
  apiToken: string;
  projects: string[];
  indexing?: "immediate" | "manual";
  /** Search page size cap (default 50). */
  maxResults?: number;
}

const transitions = [
  { id: "11", name: "To Do", to: { name: "To Do", statusCategory: { key: "new" } } },
  { id: "21", name: "In Progress", to: { name: "In Progress", statusCategory: { key: "indeterminate" } } },
  { id: "31", name: "Done", to: { name: "Done", statusCategory: { key: "done" } } },
];

const adfNodeTypes = new Set(["paragraph", "heading", "bulletList", "listItem", "text", "hardBreak"]);

/** Why a value is not a valid ADF document of the node types we accept, or undefined when it is. */
export function adfProblem(value: unknown): string | undefined {
  if (!isObject(value) || value.type !== "doc" || value.version !== 1 || !Array.isArray(value.content))
    return "expected { type: doc, version: 1, content: [] }";
  const walk = (node: unknown): string | undefined => {
    if (!isObject(node) || typeof node.type !== "string" || !adfNodeTypes.has(node.type))
      return `unsupported node ${JSON.stringify(isObject(node) ? node.type : node)}`;
    if (node.type === "text") {
      if (typeof node.text !== "string" || node.text === "") return "text nodes must not be empty";
      if (
        node.marks !== undefined &&
        (!Array.isArray(node.marks) || !node.marks.every((m) => isObject(m) && m.type === "strong"))
      )
        return "unsupported mark";
      return undefined;
    }
    if (node.type === "hardBreak") return undefined;
    if (!Array.isArray(node.content)) return `${node.type} needs content`;
    for (const child of node.content) {
      const problem = walk(child);
      if (problem) return problem;
    }
    return undefined;
  };
  for (const node of value.content) {
    const problem = walk(node);
    if (problem) return problem;
  }
  return undefined;
}

/** `project = "X" AND labels = "L" AND statusCategory != Done` → predicates; undefined when unsupported. */
function parseJql(jql: string): Array<(t: EmulatedTicket) => boolean> | undefined {
  const out: Array<(t: EmulatedTicket) => boolean> = [];
  for (const clause of jql.split(/\s+AND\s+/i)) {
    const m = /^\s*(project|labels|statusCategory)\s*(=|!=)\s*"?([^"]+?)"?\s*$/i.exec(clause);
    if (!m) return undefined;
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const test = (t: EmulatedTicket): boolean => {
      const fields = t.fields as { project?: { key?: string }; labels?: string[] };
      if (field.toLowerCase() === "project") return fields.project?.key === value;
      if (field.toLowerCase() === "labels") return (fields.labels ?? []).includes(value);
      return (t.closed ? "done" : "new") === value.toLowerCase();
    };
    out.push(op === "=" ? test : (t) => !test(t));
  }
  return out;
}

export async function startJiraEmulator(
  options: JiraEmulatorOptions,
): Promise<TicketEmulator & { flushIndex: () => void }> {
  const tickets: EmulatedTicket[] = [];
  const indexed = new Set<string>();
  const counters = new Map<string, number>();
  let nextId = 10000;
  const emulator = await startEmulator((req) => {
    const creds = basicCredentials(req.headers.authorization);
    if (!creds || creds.user !== options.email || creds.password !== options.apiToken)
      return json(401, { errorMessages: ["You are not authorized to perform this operation."], errors: {} });
    const body = parseBody(req.body);
    const find = (key: string) => tickets.find((t) => t.id === decodeURIComponent(key));

    if (req.path === "/rest/api/3/search")
      return json(410, { errorMessages: ["The requested API has been removed."] });
    if (req.path === "/rest/api/3/search/jql" && req.method === "GET") {
      const predicates = parseJql(req.query.get("jql") ?? "");
      if (!predicates) return json(400, { errorMessages: ["Error in the JQL Query"], errors: {} });
      const visible = tickets.filter((t) => indexed.has(t.id) && predicates.every((p) => p(t)));
      const offset = decodePageToken(req.query.get("nextPageToken"));
      if (offset === undefined) return json(400, { errorMessages: ["Invalid nextPageToken"], errors: {} });
      const size = Math.min(Number(req.query.get("maxResults") ?? 50), options.maxResults ?? 50);
      const page = visible.slice(offset, offset + size);
      const more = offset + size < visible.length;
      return json(200, {
        issues: page.map((t) => ({
          id: String(t.fields.id),
          key: t.id,
          fields: { summary: t.fields.summary },
        })),
        ...(more ? { nextPageToken: encodePageToken(offset + size) } : {}),
        isLast: !more,
      });
    }
    if (req.path === "/rest/api/3/issue" && req.method === "POST") {
      const fields = isObject(body) && isObject(body.fields) ? body.fields : undefined;
      if (!fields) return json(400, { errorMessages: ["fields are required"], errors: {} });
      const project = isObject(fields.project) ? String(fields.project.key) : "";
      const errors: Record<string, string> = {};
      if (!options.projects.includes(project)) errors.project = "Specify a valid project ID or key";
      if (typeof fields.summary !== "string" || !fields.summary)
        errors.summary = "You must specify a summary of the issue.";
      else if (fields.summary.length > 255) errors.summary = "Summary must be less than 255 characters.";
      if (!isObject(fields.issuetype)) errors.issuetype = "Specify an issue type";
      if (fields.description !== undefined) {
        const problem = adfProblem(fields.description);
        if (problem) errors.description = `Operation value must be an Atlassian Document (${problem})`;
      }
      if (Object.keys(errors).length) return json(400, { errorMessages: [], errors });
      const n = (counters.get(project) ?? 0) + 1;
      counters.set(project, n);
      const id = String(nextId++);
      const key = `${project}-${n}`;
      tickets.push({ id: key, fields: { ...fields, id }, notes: [], closed: false });
      if ((options.indexing ?? "immediate") === "immediate") indexed.add(key);
      return json(201, { id, key, self: `${req.baseUrl}/rest/api/3/issue/${id}` });
    }
    const one = /^\/rest\/api\/3\/issue\/([^/]+)(\/comment|\/transitions)?$/.exec(req.path);
    if (one) {
      const ticket = find(one[1]!);
      if (!ticket)
        return json(404, {
          errorMessages: ["Issue does not exist or you do not have permission to see it."],
          errors: {},
        });
      if (!one[2] && req.method === "PUT") {
        const fields = isObject(body) && isObject(body.fields) ? body.fields : undefined;
        if (!fields) return json(400, { errorMessages: ["fields are required"], errors: {} });
        if (fields.project !== undefined)
          return json(400, {
            errorMessages: [],
            errors: {
              project: "Field 'project' cannot be set. It is not on the appropriate screen, or unknown.",
            },
          });
        if (fields.description !== undefined && adfProblem(fields.description))
          return json(400, {
            errorMessages: [],
            errors: { description: "Operation value must be an Atlassian Document" },
          });
        if (typeof fields.summary === "string" && fields.summary.length > 255)
          return json(400, {
            errorMessages: [],
            errors: { summary: "Summary must be less than 255 characters." },
          });
        Object.assign(ticket.fields, fields);
        return { status: 204 };
      }
      if (one[2] === "/comment" && req.method === "POST") {
        if (!isObject(body) || adfProblem(body.body))
          return json(400, { errorMessages: ["Comment body must be an Atlassian Document"], errors: {} });
        ticket.notes.push({ text: JSON.stringify(body.body), fields: body });
        return json(201, { id: String(ticket.notes.length), body: body.body });
      }
      if (one[2] === "/transitions" && req.method === "GET") return json(200, { transitions });
      if (one[2] === "/transitions" && req.method === "POST") {
        const id = isObject(body) && isObject(body.transition) ? String(body.transition.id) : "";
        const transition = transitions.find((t) => t.id === id);
        if (!transition)
          return json(400, {
            errorMessages: [`Transition id '${id}' is not valid for this issue.`],
            errors: {},
          });
        ticket.closed = transition.to.statusCategory.key === "done";
        ticket.fields.status = transition.to.name;
        return { status: 204 };
      }
    }
    return json(404, { errorMessages: [`${req.method} ${req.path} is not served`], errors: {} });
  }, options);
  return Object.assign(withTickets(emulator, tickets), {
    flushIndex: () => {
      for (const t of tickets) indexed.add(t.id);
    },
  });
}
