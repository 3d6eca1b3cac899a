import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs, str, positiveInt, oneOf, tokenList, UsageError } from "../args.mjs";

const spec = { model: str(), tokens: tokenList(), threads: positiveInt(1), mode: oneOf("batch", ["batch", "sequential"]) };

test("values are parsed and defaults filled in", () => {
  assert.deepEqual(parseArgs(["--model", "m.gguf", "--tokens", "0, 5,258"], spec), {
    model: "m.gguf", tokens: [0, 5, 258], threads: 1, mode: "batch",
  });
});

test("bad input is a UsageError naming the option", () => {
  assert.throws(() => parseArgs(["--tokens", "1"], spec), (e) => e instanceof UsageError && /--model/.test(e.message));
  assert.throws(() => parseArgs(["--model", "m", "--tokens", "1,-2"], spec), /--tokens/);
  assert.throws(() => parseArgs(["--model", "m", "--tokens", "1", "--threads", "0"], spec), /--threads/);
  assert.throws(() => parseArgs(["--model", "m", "--tokens", "1", "--mode", "both"], spec), /--mode/);
  assert.throws(() => parseArgs(["--model", "m", "--tokens", "1", "--bogus", "x"], spec), /unknown option/);
  assert.throws(() => parseArgs(["--model"], spec), /needs a value/);
});
