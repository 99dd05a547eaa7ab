// A small MCP server whose tools can change while it runs, for the tests of pinned tool
// definitions and checked outputs (docs/catalog.md). Streamable HTTP, stateless, on PORT.
//
//   POST /mcp       MCP (tools/list, tools/call)
//   PUT  /control   {"description": "...", "outputSchema": {...}, "result": {...}} replaces what
//                   the tool "forecast" declares and what it answers; fields left out stay as they are
//
// "forecast" answers with structuredContent = the configured result (by default one that fits
// its output schema).
import http from "node:http";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const state = {
  description: "Weather forecast for a city.",
  outputSchema: {
    type: "object",
    properties: { city: { type: "string" }, temperature: { type: "number" } },
    required: ["city", "temperature"],
  },
  result: null,
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
  ];
}

function newServer() {
  const server = new Server({ name: "changing-tools", version: "1.0.0" }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: tools() }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    if (request.params.name === "ping") {
      return { content: [{ type: "text", text: "pong" }] };
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
      for (const key of ["description", "outputSchema", "result"]) {
        if (key in change) state[key] = change[key];
      }
      res.writeHead(204).end();
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
