// Opens llama.cpp through node-llama-cpp's prebuilt CPU binary (package @node-llama-cpp/linux-x64).
// Every option that could make node-llama-cpp download or compile llama.cpp is switched off, so a
// missing or unusable prebuilt is a clear error rather than a surprise build.
import fs from "node:fs";

process.env.NODE_LLAMA_CPP_SKIP_DOWNLOAD ??= "true";

let nodeLlamaCpp;
async function importNodeLlamaCpp() {
  try {
    nodeLlamaCpp ??= await import("node-llama-cpp");
    return nodeLlamaCpp;
  } catch (err) {
    throw new Error(`node-llama-cpp is not installed (run 'npm install' in bench/llamacpp): ${err.message}`);
  }
}

export async function openLlama(threads) {
  const { getLlama } = await importNodeLlamaCpp();
  try {
    return await getLlama({
      gpu: false,
      build: "never",
      usePrebuiltBinaries: true,
      skipDownload: true,
      progressLogs: false,
      logLevel: process.env.LLAMACPP_LOG_LEVEL ?? "error",
      maxThreads: threads,
    });
  } catch (err) {
    if (err?.name === "NoBinaryFoundError" || err?.message === "NoBinaryFoundError")
      throw new Error(
        "the prebuilt llama.cpp CPU binary (@node-llama-cpp/linux-x64) is missing or does not load on this machine; " +
          "run 'npm install' in bench/llamacpp (this harness never builds llama.cpp)",
      );
    throw err;
  }
}

// What ran, for result files: llama.cpp release, the node-llama-cpp wrapper version, and the
// ggml CPU variant's feature line (which prebuilt ISA variant was picked at load).
export function describeBuild(llama) {
  const wrapper = JSON.parse(fs.readFileSync(new URL("./node_modules/node-llama-cpp/package.json", import.meta.url), "utf8"));
  return {
    llama_cpp: llama.llamaCppRelease.release,
    node_llama_cpp: wrapper.version,
    binary: llama.buildType,
    cpu_features: llama.systemInfo.replace(/\s+/g, " ").trim(),
  };
}

export async function openModel(llama, modelPath) {
  if (!fs.existsSync(modelPath)) throw new Error(`model file not found: ${modelPath}`);
  try {
    return await llama.loadModel({ modelPath, gpuLayers: 0, useMmap: true });
  } catch (err) {
    throw new Error(`llama.cpp could not load ${modelPath}: ${err.message}`);
  }
}

// One sequence, no flash attention (the plain softmax path is the one our engine mirrors), and the
// KV cache in the requested type: llama.cpp defaults to F16, our engine keeps fp32.
export async function openContext(model, { threads, batchSize, contextSize, kvType }) {
  const ggmlKv = kvType === "f16" ? "F16" : "F32";
  return model.createContext({
    sequences: 1,
    contextSize,
    batchSize,
    threads,
    flashAttention: false,
    experimentalKvCacheKeyType: ggmlKv,
    experimentalKvCacheValueType: ggmlKv,
    ignoreMemorySafetyChecks: true,
  });
}

// Counts llama_decode calls so a script can prove "one batch" instead of assuming it; reads
// node-llama-cpp's private addon handle, which is the only place the decode call is visible.
export function countDecodes(context) {
  const addonContext = context._ctx;
  if (addonContext == null || typeof addonContext.decodeBatch !== "function")
    throw new Error("this node-llama-cpp version no longer exposes decodeBatch; update countDecodes");
  const counter = { calls: 0 };
  const original = addonContext.decodeBatch.bind(addonContext);
  // The native method is a read-only prototype property, so shadow it on the instance.
  Object.defineProperty(addonContext, "decodeBatch", {
    value: (...args) => {
      counter.calls++;
      return original(...args);
    },
  });
  return counter;
}
