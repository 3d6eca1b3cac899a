using System.Runtime.CompilerServices;
using TensorCash.Node.Mining;
using TensorCash.Proving.Audit;

namespace TensorCash.Node.Registry;

/// <summary>
/// The weight audit (registry.md §5) of each model this node holds, run once on first use and kept: the miner asks
/// before it signals support for a pending model (a miner supports only what passes), and getmodelinfo shows it. A
/// builtin model audits in well under a second; a 1B-class model takes tens of seconds, once.
/// </summary>
public static class HeldModelAudits
{
    // Keyed weakly by the loaded model, so a disposed and collected model takes its report with it.
    private static readonly ConditionalWeakTable<InferenceModel, Lazy<AuditReport>> Reports = new();

    public static AuditReport For(InferenceModel model) =>
        Reports.GetValue(model, m => new Lazy<AuditReport>(() => ModelAuditor.Audit(m.Weights, m.Identity), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
}
