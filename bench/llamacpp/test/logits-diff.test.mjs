import { test } from "node:test";
import assert from "node:assert/strict";
import { compareLogits } from "../logits-diff.mjs";

const set = (rows) => ({ vocab: rows[0].length, logits: rows });

test("identical sets are bitwise identical with zero difference", () => {
  const r = compareLogits(set([[1, 2, 3], [0, -1, 5]]), set([[1, 2, 3], [0, -1, 5]]));
  assert.equal(r.max_abs_diff, 0);
  assert.equal(r.bitwise_identical_positions, 2);
  assert.equal(r.argmax_agree, 2);
});

test("differences, relative size, worst position and argmax flips are reported", () => {
  const r = compareLogits(set([[1, 2, 3], [4, 1, 0]]), set([[1, 2, 3.5], [4, 5, 0]]));
  assert.equal(r.max_abs_diff, 4);
  assert.equal(r.worst_position, 1);
  assert.equal(r.max_rel_diff, 0.8);
  assert.equal(r.argmax_agree, 1);
  assert.equal(r.bitwise_identical_positions, 0);
});

test("a difference below float32 resolution counts as identical", () => {
  const r = compareLogits(set([[0.1]]), set([[Math.fround(0.1)]]));
  assert.equal(r.bitwise_identical_positions, 1);
});

test("shape mismatches are errors, not silent truncation", () => {
  assert.throws(() => compareLogits(set([[1, 2]]), set([[1, 2, 3]])), /vocab sizes differ/);
  assert.throws(() => compareLogits(set([[1], [2]]), set([[1]])), /position counts differ/);
});
