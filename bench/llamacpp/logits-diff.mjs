// Distance between two logits sets of the same shape: the figures compare.sh and the fixture
// checks report. Values are float32 carried in doubles, so fround makes "bitwise" exact.
import fs from "node:fs";

export function readLogits(file) {
  let parsed;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: not a logits JSON file (${err.message})`);
  }
  const { vocab, logits } = parsed ?? {};
  if (!Number.isInteger(vocab) || !Array.isArray(logits) || logits.length === 0)
    throw new Error(`${file}: expected {"vocab":V,"logits":[[...]]}`);
  logits.forEach((row, pos) => {
    if (!Array.isArray(row) || row.length !== vocab)
      throw new Error(`${file}: position ${pos} has ${row?.length} logits, expected ${vocab}`);
  });
  return parsed;
}

function argmax(row) {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

export function compareLogits(a, b) {
  if (a.vocab !== b.vocab) throw new Error(`vocab sizes differ: ${a.vocab} vs ${b.vocab}`);
  if (a.logits.length !== b.logits.length)
    throw new Error(`position counts differ: ${a.logits.length} vs ${b.logits.length}`);
  let maxAbs = 0, maxRel = 0, worstPosition = 0, argmaxAgree = 0, bitwiseRows = 0;
  a.logits.forEach((rowA, pos) => {
    const rowB = b.logits[pos];
    let identical = true;
    for (let i = 0; i < rowA.length; i++) {
      const x = Math.fround(rowA[i]), y = Math.fround(rowB[i]);
      if (x !== y) identical = false;
      const abs = Math.abs(x - y);
      const scale = Math.max(Math.abs(x), Math.abs(y));
      if (abs > maxAbs) { maxAbs = abs; worstPosition = pos; }
      if (scale > 0 && abs / scale > maxRel) maxRel = abs / scale;
    }
    if (identical) bitwiseRows++;
    if (argmax(rowA) === argmax(rowB)) argmaxAgree++;
  });
  return {
    positions: a.logits.length,
    vocab: a.vocab,
    max_abs_diff: maxAbs,
    max_rel_diff: maxRel,
    worst_position: worstPosition,
    argmax_agree: argmaxAgree,
    bitwise_identical_positions: bitwiseRows,
  };
}
