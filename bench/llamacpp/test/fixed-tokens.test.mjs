import { test } from "node:test";
import assert from "node:assert/strict";
import { fixedTokens } from "../fixed-tokens.mjs";

test("ids are deterministic, in range, and an offset continues the same sequence", () => {
  const a = fixedTokens(64, 258);
  assert.deepEqual(a, fixedTokens(64, 258));
  assert.ok(a.every((t) => Number.isInteger(t) && t >= 0 && t < 258));
  assert.deepEqual(fixedTokens(16, 258, 48), a.slice(48));
});

test("ids spread over the vocabulary for awkward sizes too", () => {
  // 264 and 7920 are the sizes a stride of 7919 would walk backwards through one id at a time.
  for (const vocab of [258, 264, 7920, 32000, 128256]) {
    const ids = fixedTokens(256, vocab);
    const distinct = new Set(ids).size;
    assert.ok(distinct > 128, `${distinct} distinct ids for vocab ${vocab}`); // random draws would give ~164 for 264
    // Even a short prompt should touch every quarter of the vocabulary.
    const quarters = new Set(fixedTokens(16, vocab).map((t) => Math.floor((4 * t) / vocab)));
    assert.equal(quarters.size, 4, `quarters hit by 16 ids for vocab ${vocab}`);
  }
});
