using System.Text;
using System.Text.Json;

namespace TensorCash.Train;

/// <summary>
/// Writes a trained byte-level BPE vocabulary as a Hugging Face tokenizer.json (+ tokenizer_config.json): the
/// ByteLevel pre-tokenizer with GPT-2's regex, a BPE model, the ByteLevel decoder, and a TemplateProcessing
/// post-processor that puts BOS in front. Our tokenizer, @lenml/tokenizers and llama.cpp's "gpt2" vocabulary
/// (through HfToGgufVocabulary) all read it the same way.
/// </summary>
public static class TokenizerFiles
{
    public const string Bos = "<s>", Eos = "</s>";

    public static int BosId(BpeTrainer.Vocabulary v) => v.Tokens.Length;
    public static int EosId(BpeTrainer.Vocabulary v) => v.Tokens.Length + 1;

    public static void Write(BpeTrainer.Vocabulary v, string directory)
    {
        Directory.CreateDirectory(directory);
        using (var stream = File.Create(Path.Combine(directory, "tokenizer.json")))
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WriteNull("truncation");
            w.WriteNull("padding");
            w.WriteStartArray("added_tokens");
            AddedToken(w, BosId(v), Bos);
            AddedToken(w, EosId(v), Eos);
            w.WriteEndArray();
            w.WriteNull("normalizer");
            w.WriteStartObject("pre_tokenizer");
            ByteLevelFields(w);
            w.WriteEndObject();
            w.WriteStartObject("post_processor");
            w.WriteString("type", "TemplateProcessing");
            w.WriteStartArray("single");
            Special(w, Bos); Sequence(w, "A");
            w.WriteEndArray();
            w.WriteStartArray("pair");
            Special(w, Bos); Sequence(w, "A"); Special(w, Bos); Sequence(w, "B");
            w.WriteEndArray();
            w.WriteStartObject("special_tokens");
            w.WriteStartObject(Bos);
            w.WriteString("id", Bos);
            w.WriteStartArray("ids"); w.WriteNumberValue(BosId(v)); w.WriteEndArray();
            w.WriteStartArray("tokens"); w.WriteStringValue(Bos); w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("decoder");
            ByteLevelFields(w);
            w.WriteEndObject();
            w.WriteStartObject("model");
            w.WriteString("type", "BPE");
            w.WriteNull("dropout");
            w.WriteNull("unk_token");
            w.WriteNull("continuing_subword_prefix");
            w.WriteNull("end_of_word_suffix");
            w.WriteBoolean("fuse_unk", false);
            w.WriteBoolean("byte_fallback", false);
            w.WriteBoolean("ignore_merges", false);
            w.WriteStartObject("vocab");
            for (int i = 0; i < v.Tokens.Length; i++) w.WriteNumber(v.Tokens[i], i);
            w.WriteEndObject();
            w.WriteStartArray("merges");
            foreach (var m in v.Merges) w.WriteStringValue(m);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), $$"""
            {
              "add_bos_token": true,
              "add_eos_token": false,
              "bos_token": "{{Bos}}",
              "eos_token": "{{Eos}}",
              "clean_up_tokenization_spaces": false,
              "model_max_length": 512,
              "tokenizer_class": "PreTrainedTokenizerFast"
            }

            """, new UTF8Encoding(false));
    }

    private static void AddedToken(Utf8JsonWriter w, int id, string content)
    {
        w.WriteStartObject();
        w.WriteNumber("id", id);
        w.WriteString("content", content);
        w.WriteBoolean("single_word", false);
        w.WriteBoolean("lstrip", false);
        w.WriteBoolean("rstrip", false);
        w.WriteBoolean("normalized", false);
        w.WriteBoolean("special", true);
        w.WriteEndObject();
    }

    private static void ByteLevelFields(Utf8JsonWriter w)
    {
        w.WriteString("type", "ByteLevel");
        w.WriteBoolean("add_prefix_space", false);
        w.WriteBoolean("trim_offsets", true);
        w.WriteBoolean("use_regex", true);
    }

    private static void Special(Utf8JsonWriter w, string id)
    {
        w.WriteStartObject();
        w.WriteStartObject("SpecialToken");
        w.WriteString("id", id);
        w.WriteNumber("type_id", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Sequence(Utf8JsonWriter w, string id)
    {
        w.WriteStartObject();
        w.WriteStartObject("Sequence");
        w.WriteString("id", id);
        w.WriteNumber("type_id", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
