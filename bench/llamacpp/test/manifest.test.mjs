import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadManifest, generatorArgs } from "../manifest.mjs";

const repoManifest = fileURLToPath(new URL("../../../tests/TensorCash.Tests/fixtures/llamacpp/models.json", import.meta.url));

function withManifest(models, body) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "manifest-test-"));
  const file = path.join(dir, "models.json");
  fs.writeFileSync(file, JSON.stringify({ models }));
  try {
    return body(file);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
}

test("the committed manifest is valid", () => {
  const m = loadManifest(repoManifest);
  assert.ok(m.models.length >= 1);
});

test("generator flags carry every shape field and --tied only when tied", () => {
  const entry = loadManifest(repoManifest).models.find((e) => e.tied);
  const args = generatorArgs(entry);
  for (const flag of ["--arch", "--layers", "--d-model", "--heads", "--kv-heads", "--head-dim", "--ff", "--vocab", "--context", "--rope-theta", "--rms-eps", "--dtype", "--seed"])
    assert.ok(args.includes(flag), flag);
  assert.equal(args.at(-1), "--tied");
  assert.ok(!generatorArgs({ ...entry, tied: false }).includes("--tied"));
});

test("bad entries are rejected with the model name", () => {
  const good = loadManifest(repoManifest).models[0];
  withManifest([{ ...good, tokens: [good.vocab] }], (f) => assert.throws(() => loadManifest(f), new RegExp(`${good.name}.*tokens`)));
  withManifest([{ ...good, dtype: "q4_k" }], (f) => assert.throws(() => loadManifest(f), /dtype/));
  withManifest([{ ...good, kv_heads: 3 }], (f) => assert.throws(() => loadManifest(f), /kv_heads/));
  withManifest([good, good], (f) => assert.throws(() => loadManifest(f), /appears twice/));
});
