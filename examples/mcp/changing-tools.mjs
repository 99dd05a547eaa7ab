// A small MCP server whose tools can change while it runs, for the tests of pinned tool
// definitions and checked outputs (docs/catalog.md). Streamable HTTP, stateless, on PORT.
//
//   POST /mcp       MCP (tools/list, tools/call)
//   PUT  /control   {"description": "...", "outputSchema": {...}, "result": {...}, "taskTool": true}
//                   replaces what the tool "forecast" declares and what it answers (and whether the
//                   task-only tool "report" is listed); fields left out stay as they are
//   GET  /control   {"cancelled": [...], "slowCalls": n}: the notifications/cancelled received
//
// "forecast" answers with structuredContent = the configured result (by default one that fits
// its output schema). "slow" runs until the client cancels it (notifications/cancelled for its
// request id, which may come in another POST: the server is stateless) or `seconds` pass.
// "report" (when listed) can only be called as a task (execution.taskSupport "required").
import http from "node:http";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import {
  CallToolRequestSchema, CancelledNotificationSchema, ListToolsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";

const state = {
  description: "Weather forecast for a city.",
  outputSchema: {
    type: "object",
    properties: { city: { type: "string" }, temperature: { type: "number" } },
    required: ["city", "temperature"],
  },
  result: null,
  taskTool: false,
  cancelled: [],
  slowCalls: 0,
};

function tools() {
  return [
    {
      name: "forecast",
      description: state.description,
      inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      outputSchema: state.outputSchema,
      annotations: { readOnlyHint: true },
    },
    {
      name: "ping",
      description: "Answers pong.",
      inputSchema: { type: "object", properties: {} },
    },
    {
      name: "slow",
      description: "Waits until cancelled or `seconds` pass.",
      inputSchema: { type: "object", properties: { seconds: { type: "number" } } },
    },
    ...(state.taskTool ? [{
      name: "report",
      description: "Builds a long report; only as a task.",
      inputSchema: { type: "object", properties: {} },
      execution: { taskSupport: "required" },
    }] : []),
  ];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function newServer() {
  const server = new Server({ name: "changing-tools", version: "1.0.0" }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: tools() }));
  server.setNotificationHandler(CancelledNotificationSchema, async (n) => {
    state.cancelled.push(n.params);
  });
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    if (request.params.name === "ping") {
      return { content: [{ type: "text", text: "pong" }] };
    }
    if (request.params.name === "slow") {
      state.slowCalls++;
      const until = Date.now() + 1000 * Number(request.params.arguments?.seconds ?? 60);
      while (Date.now() < until && !state.cancelled.some((c) => c.requestId === extra.requestId)) {
        await sleep(50);
      }
      return { content: [{ type: "text", text: "slept" }] };
    }
    const city = request.params.arguments?.city ?? "";
    const result = state.result ?? { city, temperature: 21.5 };
    return { content: [{ type: "text", text: JSON.stringify(result) }], structuredContent: result };
  });
  return server;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const httpServer = http.createServer(async (req, res) => {
  try {
    if (req.url === "/control" && req.method === "PUT") {
      const change = JSON.parse(await readBody(req));
      for (const key of ["description", "outputSchema", "result", "taskTool"]) {
        if (key in change) state[key] = change[key];
      }
      res.writeHead(204).end();
      return;
    }
    if (req.url === "/control" && req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ cancelled: state.cancelled, slowCalls: state.slowCalls }));
      return;
    }
    if (req.url === "/mcp" && req.method === "POST") {
      const body = JSON.parse(await readBody(req));
      const server = newServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on("close", () => {
        transport.close();
        server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
      return;
    }
    res.writeHead(405, { "content-type": "application/json" })
      .end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed." }, id: null }));
  } catch (e) {
    if (!res.headersSent) res.writeHead(500).end(String(e));
  }
});

const port = Number(process.env.PORT ?? 3002);
httpServer.listen(port, "127.0.0.1", () => console.log(`changing-tools MCP server listening on port ${port}`));
