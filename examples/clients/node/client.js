// Toolgate from Node.js: list the tenant's tools, then execute one.
//   TOOLGATE_API_KEY=tg_... node client.js [tool] [arguments-json]
// TOOLGATE_ADDRESS defaults to 127.0.0.1:50051; https://host:port speaks TLS, trusting the CA
// certificates in TOOLGATE_CA_FILE (else the system's) and presenting TOOLGATE_CLIENT_CERT_FILE /
// TOOLGATE_CLIENT_KEY_FILE if set.
'use strict';
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_ROOT = path.resolve(__dirname, '../../../proto/src/main/proto');
const address = process.env.TOOLGATE_ADDRESS || '127.0.0.1:50051';
const apiKey = process.env.TOOLGATE_API_KEY;
const tool = process.argv[2] || 'support_desk.create_support_case';
const args = process.argv[3] || JSON.stringify({
  customer_id: 'acme', summary: 'Printer on fire (Node client)', priority: 'high',
});

if (!apiKey) {
  console.error('TOOLGATE_API_KEY is not set (./toolgate demo prints one)');
  process.exit(1);
}

const definition = protoLoader.loadSync('toolgate/v1/tool.proto', {
  includeDirs: [PROTO_ROOT], keepCase: true, longs: String, enums: String, defaults: true,
});
const { ToolService } = grpc.loadPackageDefinition(definition).toolgate.v1;
const readOptional = (variable) => (process.env[variable] ? fs.readFileSync(process.env[variable]) : null);
const tls = address.startsWith('https://');
const target = address.replace(/^https?:\/\//, '').replace(/\/$/, '');
const credentials = tls
  ? grpc.credentials.createSsl(readOptional('TOOLGATE_CA_FILE'), readOptional('TOOLGATE_CLIENT_KEY_FILE'),
    readOptional('TOOLGATE_CLIENT_CERT_FILE'))
  : grpc.credentials.createInsecure();
const client = new ToolService(target, credentials);
const metadata = new grpc.Metadata();
metadata.set('authorization', `Bearer ${apiKey}`);
const deadline = () => new Date(Date.now() + 30_000);

function call(method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, metadata, { deadline: deadline() }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

(async () => {
  try {
    const listed = await call('ListTools', {});
    for (const t of listed.tools) console.log(`tool ${t.name} (v${t.version}): ${t.description}`);
    const res = await call('ExecuteTool', { tool, arguments_json: args });
    console.log(`call ${res.call_id}: ${res.status}, upstream HTTP ${res.upstream_status}`);
    console.log(res.result_json);
    process.exit(res.is_error ? 2 : 0);
  } catch (err) {
    console.error(`error: ${grpc.status[err.code]}: ${err.details}`);
    process.exit(1);
  } finally {
    client.close();
  }
})();
