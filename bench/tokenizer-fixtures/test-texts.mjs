// The texts every vocabulary is checked on. Each one aims at a different part of the pipeline; keep them NFC
// (the runtime under test has no ICU, see docs/tokenizer.md) and add new ones at the end.
export const texts = [
  ["empty", ""],
  ["single-space", " "],
  ["single-letter", "a"],
  ["newline-only", "\n"],
  ["english", "Hello world! This is a simple English sentence, with punctuation: commas, colons; and a question?"],
  ["contractions", "I'm sure you'll love it; they've said we'd go. It's John's, isn't it? DON'T SHOUT, I'LL HEAR YOU'RE IT'S"],
  ["numbers", "In 2024, 1234567 people paid $3.50 (or 12,345.67€) — 3.14159265358979323846264338327950288 and 0x1F 1e-9 42nd."],
  ["code-python", "def fib(n: int) -> int:\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n\nprint([fib(i) for i in range(10)])\n"],
  ["code-c", "for (int i = 0; i < 10; ++i) {\n\tprintf(\"%d\\n\", i);\n}\n// TODO: x->y && a||b != c; /* comment */ #include <stdio.h>"],
  ["whitespace-runs", "  two leading  spaces\tone tab\t\ttwo tabs   three spaces    \n\n\n  indented\r\nwindows line\n \n trailing   "],
  ["unicode-spaces", "no-break\u00a0space, ideographic\u3000space, em\u2003space, line\u2028separator"],
  ["cjk", "我爱自然语言处理。東京は日本の首都です。한국어 텍스트도 있습니다. 漢字とひらがなとカタカナ。"],
  ["arabic", "مرحبا بالعالم! هذه جملة عربية قصيرة، والأرقام ١٢٣٤٥."],
  ["hindi", "नमस्ते दुनिया, यह हिंदी पाठ है। \u0915\u093C\u093F\u0924\u093E\u092C और विज्ञान।"],
  ["cyrillic-greek-thai-hebrew", "Привет, мир! Γειά σου Κόσμε! สวัสดีชาวโลก שלום עולם"],
  ["accents", "Café naïve façade résumé Ångström straße ẞ Œuvre ñandú"],
  ["emoji", "🤖 robots 👩‍👩‍👧 family 👍🏽 thumbs 🇺🇳 flag ❤️ heart 😀😀😀"],
  ["outside-bmp", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕋𝕖𝕩𝕥 math letters, 𝟏𝟐𝟑𝟒𝟓 math digits, 𠀀𠀁𠀂 CJK ext-B, 𓀀 hieroglyph"],
  ["markup-url", "<div class=\"note\">Visit https://example.com/path?q=1&r=2#frag or mail user@example.org</div>"],
  ["repetition", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ================================ !!!!!!!!!! ..........."],
  ["mixed-specials", "<s>[INST] Hi there </s><|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhello<|eot_id|><|im_start|>system\nYou are helpful.<|im_end|>\n<think>ok</think> <tool_call>{\"x\":1}</tool_call><|endoftext|>"],
  ["special-lookalikes", "<s <|im_start| |im_end|> <think <<s>> <|endoftext|><|endoftext|>"],
];

// Texts that name special tokens are not given to the secondary oracles, which do not split on added tokens.
export const mentionsSpecialTokens = new Set(["mixed-specials", "special-lookalikes"]);
