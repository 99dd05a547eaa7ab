// The official MCP TypeScript SDK client against an MCP endpoint (Toolgate's /mcp in the tests),
// one scenario per run; prints one JSON line with what it saw, exits 0 unless the client threw.
//
//   node sdk-client.mjs URL KEY list                     every page of tools/list (cursors)
//   node sdk-client.mjs URL KEY search QUERY ARGS_JSON   toolgate__search_tools, then a call of the first tool found
//   node sdk-client.mjs URL KEY call TOOL ARGS_JSON      tools/list (so the SDK knows the output schemas), then a call
//   node sdk-client.mjs URL KEY cancel TOOL ARGS_JSON MS  a call aborted after MS ms (the SDK sends notifications/cancelled)
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, key, scenario, ...rest] = process.argv.slice(2);
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${key}` } },
});
const client = new Client({ name: "toolgate-sdk-test", version: "1.0.0" });

async function allTools() {
  const pages = [];
  const tools = [];
  let cursor;
  do {
    const page = await client.listTools(cursor ? { cursor } : {});
    pages.push(page.tools.length);
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return { pages, tools };
}

async function run() {
  await client.connect(transport);
  const out = { protocolVersion: transport.protocolVersion ?? null };
  switch (scenario) {
    case "list": {
      const { pages, tools } = await allTools();
      out.pages = pages;
      out.names = tools.map((t) => t.name);
      break;
    }
    case "search": {
      const [query, args] = rest;
      await allTools();
      const found = await client.callTool({ name: "toolgate__search_tools", arguments: { query, limit: 5 } });
      out.found = found.structuredContent;
      const first = found.structuredContent.tools[0].name;
      out.called = first;
      out.result = await client.callTool({ name: first, arguments: JSON.parse(args) });
      break;
    }
    case "call": {
      const [tool, args] = rest;
      const { tools } = await allTools();
      out.outputSchema = tools.find((t) => t.name === tool)?.outputSchema ?? null;
      out.result = await client.callTool({ name: tool, arguments: JSON.parse(args) });
      break;
    }
    case "cancel": {
      const [tool, args, ms] = rest;
      const controller = new AbortController();
      setTimeout(() => controller.abort("the test gave up"), Number(ms));
      try {
        out.result = await client.callTool({ name: tool, arguments: JSON.parse(args) }, undefined,
          { signal: controller.signal, timeout: 120000 });
      } catch (e) {
        out.aborted = String(e?.message ?? e);
      }
      await new Promise((r) => setTimeout(r, 300)); // the cancellation notification is on its way
      break;
    }
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
  console.log(JSON.stringify(out));
}

run().then(
  () => client.close().finally(() => process.exit(0)),
  (e) => {
    console.log(JSON.stringify({ clientError: String(e?.message ?? e), code: e?.code ?? null }));
    process.exit(3);
  },
);
