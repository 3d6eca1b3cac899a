// The token ids every engine is fed in comparisons and benchmarks: deterministic, spread over the
// whole vocabulary (a stride of 7919, a prime, so no short cycles), never tokenized from text.
export function fixedTokens(count, vocab, offset = 0) {
  return Array.from({ length: count }, (_, i) => ((i + offset) * 7919 + 13) % vocab);
}

// Vocabulary size from the GGUF metadata alone, without loading weights.
export async function vocabSize(modelPath) {
  const { readGgufFileInfo } = await import("node-llama-cpp");
  let info;
  try {
    info = await readGgufFileInfo(modelPath);
  } catch (err) {
    throw new Error(`cannot read GGUF metadata of ${modelPath}: ${err.message}`);
  }
  const tokens = info.metadata.tokenizer?.ggml?.tokens;
  if (!Array.isArray(tokens)) throw new Error(`${modelPath} has no tokenizer.ggml.tokens array`);
  return tokens.length;
}
