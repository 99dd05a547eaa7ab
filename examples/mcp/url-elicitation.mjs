// The official MCP TypeScript SDK client against the gateway's /mcp, declaring URL-mode elicitation
// (MCP 2025-11-25), started by ConnectLinkOpenerTest. It calls a tool that acts with the user's own
// account before the user connected it, prints the URL elicitation it got (one JSON line), waits on
// its GET stream for notifications/elicitation/complete while the user opens the link, then calls
// again and prints what it heard and the result (a second JSON line).
//   MCP_URL, API_KEY (a key with users:assert), USER_ID, TOOL
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitationCompleteNotificationSchema, PingRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const call = { name: process.env.TOOL, arguments: {}, _meta: { 'dev.toolgate/user_id': process.env.USER_ID } };
const within = (promise, what) => Promise.race([promise, new Promise((_, reject) =>
  setTimeout(() => reject(new Error('no ' + what + ' within 90 s')), 90_000).unref())]);

const transport = new StreamableHTTPClientTransport(new URL(process.env.MCP_URL), {
  requestInit: { headers: { Authorization: `Bearer ${process.env.API_KEY}` } },
});
const client = new Client({ name: 'toolgate-url-elicitation-test', version: '1.0.0' },
  { capabilities: { elicitation: { url: {} } } });
let streamOpen;
const opened = new Promise((resolve) => { streamOpen = resolve; });
client.setRequestHandler(PingRequestSchema, () => { streamOpen(); return {}; }); // the stream's first event
let heard;
const completed = new Promise((resolve) => { heard = resolve; });
client.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => heard(n.params.elicitationId));

await client.connect(transport);
await within(opened, 'GET stream');
let elicitation;
try {
  await client.callTool(call);
} catch (e) {
  elicitation = e.data?.elicitations?.[0];
  console.log(JSON.stringify({ code: e.code, mode: elicitation?.mode, url: elicitation?.url,
    elicitationId: elicitation?.elicitationId }));
}
if (!elicitation) {
  console.log(JSON.stringify({ error: 'the first call was not answered with a URL elicitation' }));
  process.exit(1);
}
const completedId = await within(completed, 'notifications/elicitation/complete');
const result = await client.callTool(call);
console.log(JSON.stringify({ completedId, result }));
await client.close();
