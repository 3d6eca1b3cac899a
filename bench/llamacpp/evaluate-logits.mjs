// Raw fp32 logits of every position from llama.cpp for exact token ids (no tokenizer, no BOS).
// "batch" evaluates all tokens in one llama_decode call, "sequential" one call per token on the
// same KV cache; both are checked, not assumed, by counting decode calls.
import { openLlama, openModel, openContext, countDecodes, describeBuild } from "./runtime.mjs";

export async function evaluateLogits(modelPath, tokens, { threads = 1, mode = "batch", kvType = "f32" } = {}) {
  const llama = await openLlama(threads);
  try {
    const model = await openModel(llama, modelPath);
    // llama.cpp itself only says "Eval has failed" for an out-of-range id, so check up front.
    const nVocab = model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length;
    const badToken = tokens.find((t) => nVocab !== undefined && t >= nVocab);
    if (badToken !== undefined) throw new Error(`token id ${badToken} is outside the vocabulary of ${modelPath} (size ${nVocab})`);

    const context = await openContext(model, {
      threads,
      batchSize: tokens.length,
      // node-llama-cpp keeps one slot free and shifts the context (drops early tokens) when full.
      contextSize: tokens.length + 1,
      kvType,
    });
    const decodes = countDecodes(context);
    const sequence = context.getSequence();
    const wantLogits = (t) => [t, { generateNext: { logits: true } }];

    const rows = [];
    if (mode === "batch") {
      const results = await sequence.controlledEvaluate(tokens.map(wantLogits));
      for (let i = 0; i < tokens.length; i++) rows.push(results[i]?.next.logits);
    } else {
      for (const t of tokens) {
        const [result] = await sequence.controlledEvaluate([wantLogits(t)]);
        rows.push(result?.next.logits);
      }
    }
    if (sequence.contextTokens.length !== tokens.length)
      throw new Error(`context holds ${sequence.contextTokens.length} tokens after evaluating ${tokens.length}: it was shifted`);
    const expectedDecodes = mode === "batch" ? 1 : tokens.length;
    if (decodes.calls !== expectedDecodes)
      throw new Error(`expected ${expectedDecodes} llama_decode call(s) in ${mode} mode, saw ${decodes.calls}`);

    // The greedy sampler leaves logits untouched; the addon returns them as (token, logit) pairs
    // sorted by value, so put them back in token-id order.
    const logits = rows.map((byToken, pos) => {
      if (byToken == null) throw new Error(`llama.cpp returned no logits for position ${pos}`);
      const row = new Array(byToken.size);
      for (const [token, value] of byToken) row[token] = value;
      if (row.length !== nVocab || row.some((v) => v === undefined))
        throw new Error(`logits for position ${pos} do not cover the vocabulary`);
      return row;
    });
    const build = describeBuild(llama);
    await context.dispose();
    await model.dispose();
    return { vocab: logits[0].length, logits, build };
  } finally {
    await llama.dispose();
  }
}
