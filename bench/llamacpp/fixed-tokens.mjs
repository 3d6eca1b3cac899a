// The token ids every engine is fed in comparisons and benchmarks: deterministic, never tokenized
// from text, and spread over the whole vocabulary whatever its size (Knuth's multiplicative hash;
// a plain stride degenerates when it is close to a multiple of the vocabulary size).

export function fixedTokens(count, vocab, offset = 0) {
  return Array.from({ length: count }, (_, i) => (Math.imul(i + offset + 1, 0x9e3779b1) >>> 0) % vocab);
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
