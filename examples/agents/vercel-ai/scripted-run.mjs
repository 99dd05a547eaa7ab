// The agent of agent.mjs with a scripted model instead of an LLM (MockLanguageModelV3 from ai/test):
// each step calls one tool, and the next step records the tool result the SDK hands back to the
// model. Prints {"seen": [{"tool", "output"}...], "text": ...} on stdout. Used by VercelAiAgentTest;
// runs against the demo too: TOOLGATE_SCRIPT='[["support_desk__create_support_case",{...}]]'.
//
// TOOLGATE_SCRIPT: a JSON array of steps, each [toolName, input] or [toolName, input, hookUrl]
// (the hook is POSTed before that step's tool call is returned: the test hides a tool there).
import { generateText, stepCountIs } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { toolgateTools } from './toolgate.mjs';

const script = JSON.parse(process.env.TOOLGATE_SCRIPT ?? '[]');
const seen = [];
let step = 0;

function lastToolResult(prompt) {
  const last = prompt[prompt.length - 1];
  if (last?.role !== 'tool') {
    return undefined;
  }
  const part = last.content.find((p) => p.type === 'tool-result');
  return { tool: part.toolName, output: JSON.stringify(part.output) };
}

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};

const model = new MockLanguageModelV3({
  doGenerate: async ({ prompt }) => {
    const result = lastToolResult(prompt);
    if (result) {
      seen.push(result);
    }
    if (step >= script.length) {
      return {
        content: [{ type: 'text', text: `done after ${seen.length} tool results` }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage,
        warnings: [],
      };
    }
    const [toolName, input, hook] = script[step];
    step += 1;
    if (hook) {
      const answer = await fetch(hook, { method: 'POST' });
      if (!answer.ok) {
        throw new Error(`hook ${hook} answered ${answer.status}`);
      }
    }
    return {
      content: [{ type: 'tool-call', toolCallId: `call_${step}`, toolName, input: JSON.stringify(input) }],
      finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      usage,
      warnings: [],
    };
  },
});

const { client, tools } = await toolgateTools();
try {
  const result = await generateText({
    model,
    tools,
    stopWhen: stepCountIs(script.length + 2),
    prompt: 'Work through the support queue.',
  });
  console.log(JSON.stringify({ seen, text: result.text, steps: result.steps.length }));
} finally {
  await client.close();
}
