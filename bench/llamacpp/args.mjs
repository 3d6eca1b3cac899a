// Command-line parsing shared by the harness scripts: "--name value" pairs only, every value
// validated here so a typo fails with a message instead of a NaN deep inside llama.cpp.

export class UsageError extends Error {}

export function parseArgs(argv, spec) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!flag.startsWith("--")) throw new UsageError(`unexpected argument '${flag}'`);
    const name = flag.slice(2);
    if (!(name in spec)) throw new UsageError(`unknown option '${flag}'`);
    if (i + 1 >= argv.length) throw new UsageError(`option '${flag}' needs a value`);
    out[name] = spec[name].parse(argv[++i], flag);
  }
  for (const [name, opt] of Object.entries(spec)) {
    if (out[name] === undefined) {
      if (opt.default === undefined) throw new UsageError(`missing required option '--${name}'`);
      out[name] = opt.default;
    }
  }
  return out;
}

export const str = (def) => ({ default: def, parse: (v) => v });

export const positiveInt = (def) => ({
  default: def,
  parse(v, flag) {
    if (!/^[0-9]+$/.test(v) || Number(v) < 1) throw new UsageError(`${flag} must be a positive integer, got '${v}'`);
    return Number(v);
  },
});

export const oneOf = (def, choices) => ({
  default: def,
  parse(v, flag) {
    if (!choices.includes(v)) throw new UsageError(`${flag} must be one of ${choices.join(", ")}, got '${v}'`);
    return v;
  },
});

// "1,2,3" -> [1, 2, 3]; token ids are passed through untouched (no tokenizer, no BOS).
export const tokenList = () => ({
  default: undefined,
  parse(v, flag) {
    const parts = v.split(",").map((s) => s.trim());
    if (parts.length === 0 || parts.some((p) => !/^[0-9]+$/.test(p)))
      throw new UsageError(`${flag} must be comma-separated non-negative integers, got '${v}'`);
    return parts.map(Number);
  },
});

// Prints the usage error (or any other failure) on stderr and exits non-zero, never a bare stack trace.
export async function runMain(usage, main) {
  try {
    await main();
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n${usage}\n`);
      process.exit(2);
    }
    process.stderr.write(`error: ${err?.message ?? err}\n`);
    process.exit(1);
  }
}
