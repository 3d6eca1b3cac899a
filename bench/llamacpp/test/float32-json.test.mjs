import { test } from "node:test";
import assert from "node:assert/strict";
import { float32ToString, logitsJson } from "../float32-json.mjs";

// A fixed-seed xorshift so the sample is the same on every run.
function* randomFloat32s(count, seed = 0x9e3779b9) {
  let s = seed >>> 0;
  const bits = new Uint32Array(1);
  const view = new Float32Array(bits.buffer);
  for (let i = 0; i < count; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    bits[0] = s;
    if (Number.isFinite(view[0])) yield view[0];
  }
}

test("every finite float32 reads back to itself", () => {
  for (const f of randomFloat32s(20000)) assert.equal(Math.fround(Number(float32ToString(f))), f, `value bits of ${f}`);
});

test("the printed form is the shortest that round-trips", () => {
  assert.equal(float32ToString(Math.fround(0.1)), "0.1");
  assert.equal(float32ToString(Math.fround(-1.5)), "-1.5");
  assert.equal(float32ToString(Math.fround(1e-45)), "1e-45");
  assert.equal(float32ToString(-0), "-0");
});

test("non-finite logits are refused", () => {
  assert.throws(() => float32ToString(NaN), /non-finite/);
  assert.throws(() => float32ToString(Infinity), /non-finite/);
});

test("logitsJson is valid JSON with the extra fields first", () => {
  const text = logitsJson(2, [[Math.fround(0.1), -2], [3, 4]], { name: "m" });
  assert.deepEqual(JSON.parse(text), { name: "m", vocab: 2, logits: [[0.1, -2], [3, 4]] });
});
