using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace TensorCash.Cli;

/// <summary>Options several commands share, with their parsing and range checks, so every command words errors the same way.</summary>
public static class CommonOptions
{
    public static Option<string> Model() => new("--model", "-m")
    {
        Description = "Model: a .gguf file, a Hugging Face directory (config.json + *.safetensors), or a builtin model: builtin:tiny, builtin:nano (random weights, byte tokenizer) or builtin:small (trained on the King James Bible, BPE).",
        Required = true,
        HelpName = "PATH|builtin:NAME",
    };

    public static Option<int> Threads() => AtLeast(new Option<int>("--threads", "-t")
    {
        Description = "Worker threads for the native backend. Default: the number of processors.",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    }, 1);

    public static Option<int[]> Tokens(string description) => new("--tokens")
    {
        Description = description,
        HelpName = "ID,ID,...",
        CustomParser = ParseTokenList,
    };

    /// <summary>Adds a check that the option's value is at least <paramref name="min"/>.</summary>
    public static Option<int> AtLeast(Option<int> option, int min)
    {
        option.Validators.Add(result =>
        {
            if (TryGetValue(result, out int value) && value < min) result.AddError($"{option.Name} must be >= {min} (got {value})");
        });
        return option;
    }

    /// <summary>
    /// The option's value for a range check. Validators also run when the text did not parse as a T;
    /// System.CommandLine then throws from GetValueOrDefault and reports the parse error itself, so
    /// the range check simply has nothing to say.
    /// </summary>
    public static bool TryGetValue<T>(OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    /// <summary>"1,2,3" (spaces allowed) to ids; reports the offending item otherwise.</summary>
    private static int[] ParseTokenList(ArgumentResult result)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(',', result.Tokens.Select(t => t.Value));
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.Length == 1 && items[0].Length == 0)
        {
            result.AddError("--tokens is empty; give comma-separated token ids such as 1,2,3");
            return [];
        }
        var ids = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (!int.TryParse(items[i], NumberStyles.None, CultureInfo.InvariantCulture, out ids[i]))
            {
                result.AddError($"--tokens item {i + 1} is '{items[i]}'; expected a non-negative integer token id");
                return [];
            }
        }
        return ids;
    }
}
