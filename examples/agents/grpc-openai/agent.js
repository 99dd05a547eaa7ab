// The OpenAI tool-calling loop over Toolgate's gRPC API, with a few lines of glue and no SDK:
// ExportTools(EXPORT_FORMAT_OPENAI) gives the `tools` array as the Chat Completions API takes it;
// each tool call the model makes goes to ExecuteTool as it is (the exported name `integration__tool`
// and the model's argument string), with `refusals_as_results`, so refusals, held calls and upstream
// errors all come back as a `result_json` the model can read; that text is the tool message.
//   TOOLGATE_API_KEY=tg_... OPENAI_API_KEY=sk-... node agent.js "Open a case for acme: printer on fire"
// OPENAI_BASE_URL points at any server that speaks the Chat Completions API; OPENAI_MODEL picks the model.
'use strict';
const path = require('path');
const crypto = require('crypto');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_ROOT = path.resolve(__dirname, '../../../proto/src/main/proto');
const address = (process.env.TOOLGATE_ADDRESS || '127.0.0.1:50051').replace(/^http:\/\//, '');
const apiKey = process.env.TOOLGATE_API_KEY;
const chatUrl = `${(process.env.OPENAI_BASE_URL || 'https://api.openai.com/v1').replace(/\/$/, '')}/chat/completions`;
const model = process.env.OPENAI_MODEL || 'gpt-4.1-mini';
if (!apiKey) {
  console.error('TOOLGATE_API_KEY is not set (the demo writes it to data/demo.env)');
  process.exit(1);
}

const definition = protoLoader.loadSync('toolgate/v1/tool.proto', {
  includeDirs: [PROTO_ROOT], keepCase: true, longs: String, enums: String, defaults: true,
});
const { ToolService } = grpc.loadPackageDefinition(definition).toolgate.v1;
const toolgate = new ToolService(address, grpc.credentials.createInsecure());
const metadata = new grpc.Metadata();
metadata.set('authorization', `Bearer ${apiKey}`);
const rpc = (method, request) => new Promise((resolve, reject) => toolgate[method](request, metadata,
  { deadline: new Date(Date.now() + 60_000) }, (err, res) => (err ? reject(err) : resolve(res))));

async function chat(messages, tools) {
  const res = await fetch(chatUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.OPENAI_API_KEY || ''}` },
    body: JSON.stringify({ model, messages, tools }),
  });
  if (!res.ok) throw new Error(`chat completions answered ${res.status}: ${await res.text()}`);
  return (await res.json()).choices[0].message;
}

(async () => {
  // A run id makes every call id unique across the tenant: models number their calls (call_1, ...),
  // and a repeated call id would replay an old result instead of running.
  const run = crypto.randomUUID();
  const { tools_json: toolsJson } = await rpc('ExportTools', { format: 'EXPORT_FORMAT_OPENAI' });
  const tools = JSON.parse(toolsJson);
  const messages = [
    { role: 'system', content: 'You act for a support team through the tools you are given. When a tool result says a call was not run, follow what it says.' },
    { role: 'user', content: process.argv.slice(2).join(' ') || 'Open a low-priority case for customer acme: the printer jams.' },
  ];
  for (let turn = 0; turn < 10; turn += 1) {
    const reply = await chat(messages, tools);
    messages.push(reply);
    if (!reply.tool_calls || reply.tool_calls.length === 0) {
      console.log(reply.content);
      break;
    }
    for (const call of reply.tool_calls) {
      const res = await rpc('ExecuteTool', {
        tool: call.function.name,
        arguments_json: call.function.arguments,
        call_id: `${run}:${call.id}`.slice(0, 128),
        session_id: run,
        refusals_as_results: true,
      });
      console.error(`tool ${call.function.name}: ${res.status}${res.is_error ? ' (error)' : ''}`);
      messages.push({ role: 'tool', tool_call_id: call.id, content: res.result_json });
    }
  }
  toolgate.close();
})().catch((err) => {
  console.error(`error: ${err.code !== undefined ? `${grpc.status[err.code]}: ${err.details}` : err.message}`);
  process.exit(1);
});
