// Toolgate's tools for the Vercel AI SDK: one MCP client on Toolgate's /mcp endpoint, authenticated
// with a Toolgate API key. Every call the model makes goes through Toolgate's schema check, policy,
// confirmation and audit; refusals and held calls come back as tool results whose text tells the
// model what happened and what to do next.
import { createMCPClient } from '@ai-sdk/mcp';

export async function toolgateTools({
  url = process.env.TOOLGATE_MCP_URL ?? 'http://127.0.0.1:8080/mcp',
  apiKey = process.env.TOOLGATE_API_KEY,
} = {}) {
  if (!apiKey) {
    throw new Error('set TOOLGATE_API_KEY (the demo writes it to data/demo.env)');
  }
  const client = await createMCPClient({
    transport: { type: 'http', url, headers: { Authorization: `Bearer ${apiKey}` } },
  });
  return { client, tools: await client.tools() };
}
