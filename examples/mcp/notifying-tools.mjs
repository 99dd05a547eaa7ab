// A small stateful MCP server (the official TypeScript SDK, Streamable HTTP with sessions on PORT)
// that announces changes of its tool list on each session's GET stream, for the tests of the
// gateway's notification stream (docs/mcp.md). Its tools are named by TOOLS (comma-separated,
// default "alpha"), each tagged in `_meta.fastmcp.tags` ("notifying" and "letter-<first letter>");
// with EVENT_IDS=0 its stream events carry no ids (no resumption).
//
//   POST/GET/DELETE /mcp   MCP
//   PUT  /control          {"tools": ["alpha", "beta"]}: the new list, announced to every session
//                          (notifications/tools/list_changed; stored for replay while a stream is away)
//                          {"closeStreams": true}: ends every session's GET stream now
//                          {"refuseStreams": true|false}: answers GET /mcp with 503 while true
//   GET  /control          {"sessions": n, "openStreams": n, "gets": [{"status": s, "lastEventId": id|null}]}
import http from "node:http";
import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const state = {
  tools: (process.env.TOOLS ?? "alpha").split(",").filter((t) => t),
  refuseStreams: false,
  openStreams: 0,
  gets: [],
};
const eventIds = process.env.EVENT_IDS !== "0";

// Keeps every event of every stream for replay after Last-Event-ID. (The SDK's example
// InMemoryEventStore cannot replay the GET stream: its ids start with "_GET_stream_", and it takes
// the stream id from the text before the first "_".)
class EventStore {
  constructor() {
    this.events = []; // { id, streamId, message }
    this.next = 0;
  }
  async storeEvent(streamId, message) {
    const id = `${++this.next}.${streamId}`;
    this.events.push({ id, streamId, message });
    return id;
  }
  async getStreamIdForEventId(eventId) {
    return this.events.find((e) => e.id === eventId)?.streamId;
  }
  async replayEventsAfter(lastEventId, { send }) {
    const last = this.events.find((e) => e.id === lastEventId);
    if (!last) return "";
    for (const e of this.events) {
      if (e.streamId === last.streamId && Number.parseInt(e.id) > Number.parseInt(last.id)) {
        await send(e.id, e.message);
      }
    }
    return last.streamId;
  }
}
const sessions = new Map(); // session id -> { server, transport }

function newSession() {
  const server = new Server({ name: "notifying-tools", version: "1.0.0" },
    { capabilities: { tools: { listChanged: true } } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: state.tools.map((name) => ({
      name, description: `The ${name} tool.`, inputSchema: { type: "object", properties: {} },
      _meta: { fastmcp: { tags: ["notifying", `letter-${name[0]}`] } }, // where FastMCP servers put tags
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => ({
    content: [{ type: "text", text: `called ${request.params.name}` }],
  }));
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    eventStore: eventIds ? new EventStore() : undefined,
    onsessioninitialized: (id) => sessions.set(id, { server, transport }),
  });
  transport.onclose = () => {
    if (transport.sessionId) sessions.delete(transport.sessionId);
  };
  return { server, transport };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

async function control(change) {
  if ("refuseStreams" in change) state.refuseStreams = change.refuseStreams;
  if (change.closeStreams) {
    for (const { transport } of sessions.values()) transport.closeStandaloneSSEStream();
  }
  if ("tools" in change) {
    state.tools = change.tools;
    for (const { server } of sessions.values()) await server.sendToolListChanged();
  }
}

const httpServer = http.createServer(async (req, res) => {
  try {
    if (req.url === "/control" && req.method === "PUT") {
      await control(JSON.parse(await readBody(req)));
      res.writeHead(204).end();
      return;
    }
    if (req.url === "/control" && req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({
        sessions: sessions.size, openStreams: state.openStreams, gets: state.gets, tools: state.tools,
      }));
      return;
    }
    if (req.url !== "/mcp") {
      res.writeHead(404).end();
      return;
    }
    const sessionId = req.headers["mcp-session-id"];
    if (req.method === "GET") {
      const known = sessionId && sessions.has(sessionId);
      const status = state.refuseStreams ? 503 : known ? 200 : 404;
      state.gets.push({ status, lastEventId: req.headers["last-event-id"] ?? null });
      if (status !== 200) {
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({
          jsonrpc: "2.0", error: { code: -32000, message: status === 503 ? "Not now." : "Session not found" }, id: null,
        }));
        return;
      }
      state.openStreams++;
      res.on("close", () => state.openStreams--);
      await sessions.get(sessionId).transport.handleRequest(req, res);
      return;
    }
    if (sessionId) {
      const session = sessions.get(sessionId);
      if (!session) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({
          jsonrpc: "2.0", error: { code: -32001, message: "Session not found" }, id: null,
        }));
        return;
      }
      const body = req.method === "POST" ? JSON.parse(await readBody(req)) : undefined;
      await session.transport.handleRequest(req, res, body);
      return;
    }
    const { server, transport } = newSession(); // an initialize request
    await server.connect(transport);
    await transport.handleRequest(req, res, JSON.parse(await readBody(req)));
  } catch (e) {
    if (!res.headersSent) res.writeHead(500).end(String(e));
  }
});

const port = Number(process.env.PORT ?? 3003);
httpServer.listen(port, "127.0.0.1", () => console.log(`notifying-tools MCP server listening on port ${port}`));
