// JSON for float32 logits: each value printed as the shortest decimal that reads back to the same
// float32 (JSON.stringify would print the double expansion, ~17 digits, for no extra information).

export function float32ToString(value) {
  const f = Math.fround(value);
  if (!Number.isFinite(f)) throw new Error(`non-finite logit ${value}`);
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  for (let digits = 1; digits <= 9; digits++) {
    const text = f.toPrecision(digits);
    if (Math.fround(Number(text)) === f) return String(Number(text));
  }
  return String(f);
}

export function logitsJson(vocab, rows, extra = {}) {
  const head = JSON.stringify({ ...extra, vocab }).slice(0, -1);
  const body = rows.map((row) => "[" + row.map(float32ToString).join(",") + "]").join(",");
  return `${head},"logits":[${body}]}`;
}
