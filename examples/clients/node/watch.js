// Toolgate from Node.js: watch a session's tool cards live (WatchSession, a server-streaming RPC).
//   TOOLGATE_API_KEY=tg_... node watch.js <session-id> [--exit-after <call-id>]
// Prints one line per event: the calls so far, "caught up", then each call as it starts or changes
// (held for confirmation, approved or denied, succeeded or failed, compensated). With --exit-after,
// it stops once that call has finished (any status but RUNNING and PENDING_CONFIRMATION).
// TOOLGATE_ADDRESS defaults to 127.0.0.1:50051 (plain text; see client.js for TLS).
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_ROOT = path.resolve(__dirname, '../../../proto/src/main/proto');
const address = process.env.TOOLGATE_ADDRESS || '127.0.0.1:50051';
const apiKey = process.env.TOOLGATE_API_KEY;
const sessionId = process.argv[2];
const exitAfter = process.argv[3] === '--exit-after' ? process.argv[4] : null;

if (!apiKey || !sessionId) {
  console.error('usage: TOOLGATE_API_KEY=tg_... node watch.js <session-id> [--exit-after <call-id>]');
  process.exit(1);
}

const definition = protoLoader.loadSync('toolgate/v1/tool.proto', {
  includeDirs: [PROTO_ROOT], keepCase: true, longs: String, enums: String, defaults: true,
});
const { ToolService } = grpc.loadPackageDefinition(definition).toolgate.v1;
const client = new ToolService(address.replace(/^http:\/\//, ''), grpc.credentials.createInsecure());
const metadata = new grpc.Metadata();
metadata.set('authorization', `Bearer ${apiKey}`);

const OPEN = new Set(['CALL_STATUS_RUNNING', 'CALL_STATUS_PENDING_CONFIRMATION']);
const stream = client.WatchSession({ session_id: sessionId }, metadata);
let done = false;

stream.on('data', (event) => {
  if (event.caught_up) {
    console.log('caught up');
    return;
  }
  const { call } = event;
  const { card } = call;
  const confirmation = call.confirmation ? ` confirmation=${call.confirmation.state}`
    + (call.confirmation.decided_by ? ` by ${call.confirmation.decided_by}` : '') : '';
  const compensated = call.compensated_by ? ` compensated by ${call.compensated_by}` : '';
  console.log(`${call.call_id} ${card.status}${confirmation}${compensated} | ${card.title} | ${card.narration}`
    + ` | ${card.result_summary}`);
  if (exitAfter && call.call_id === exitAfter && !OPEN.has(call.status)) {
    done = true;
    stream.cancel();
  }
});
stream.on('error', (err) => {
  if (done && err.code === grpc.status.CANCELLED) {
    client.close();
    process.exit(0);
  }
  console.error(`error: ${grpc.status[err.code]}: ${err.details}`);
  process.exit(1);
});
stream.on('end', () => {
  client.close();
  process.exit(done ? 0 : 3);
});
