// A Vercel AI SDK agent with Toolgate's tools, driven by an OpenAI model (or any server that speaks
// the OpenAI API: OPENAI_BASE_URL). Usage: node agent.mjs "Open a high-priority case for acme: printer on fire"
import { generateText, stepCountIs } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { toolgateTools } from './toolgate.mjs';

const openai = createOpenAI({ baseURL: process.env.OPENAI_BASE_URL });
const { client, tools } = await toolgateTools();
try {
  const result = await generateText({
    model: openai.chat(process.env.OPENAI_MODEL ?? 'gpt-4.1-mini'),
    tools,
    stopWhen: stepCountIs(10),
    system: 'You act for a support team through the tools you are given. When a tool result says a call was'
      + ' not run, follow what it says.',
    prompt: process.argv.slice(2).join(' ') || 'Open a low-priority case for customer acme: the printer jams.',
  });
  for (const step of result.steps) {
    for (const r of step.toolResults) {
      console.error(`tool ${r.toolName}: ${JSON.stringify(r.output).slice(0, 300)}`);
    }
  }
  console.log(result.text);
} finally {
  await client.close();
}
