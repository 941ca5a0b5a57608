import ArgumentParser
import LongtailOutput
import LongtailCore

/// The flags that shape the two tiers, shared by `scan` and `merge`.
struct TierFlags: ParsableArguments {
    @Option(help: "Alignment set size: a fraction (0.01), a percentage (1%) or a segment count (50).")
    var alignmentBudget: String = "1%"

    @Option(help: "Events below this confidence (0…1) neither pull segments in (--always-include) nor enter knowledge records.")
    var minConfidence: Double = 0

    @Option(help: "Put every segment holding this event into the alignment set, beyond the budget (repeatable).")
    var alwaysInclude: [String] = []

    @Flag(help: "Leave alignment segments out of the pretraining shards (their rows become NaN).")
    var exclusive = false

    @Option(help: "Pretraining values: float16, or int16 with a stored per-channel scale.")
    var quantize: String = "float16"

    @Option(help: "Target pretraining shard size in MiB (of quantized values).")
    var shardSize: Int = 256

    func validate() throws {
        for e in alwaysInclude where !EventTable.names.contains(e) {
            throw ValidationError("--always-include: unknown event '\(e)'; valid names: \(EventTable.names.joined(separator: ", "))")
        }
        guard (0...1).contains(minConfidence) else { throw ValidationError("--min-confidence must be between 0 and 1") }
        guard TierOptions.Quantization(rawValue: quantize) != nil else { throw ValidationError("--quantize must be float16 or int16") }
        guard shardSize > 0 else { throw ValidationError("--shard-size must be positive (MiB)") }
        do { _ = try TierOptions.Budget.parse(alignmentBudget) } catch { throw ValidationError("\(error)") }
    }

    /// The options these flags give (validated first).
    func options() throws -> TierOptions {
        var t = TierOptions()
        do { t.budget = try TierOptions.Budget.parse(alignmentBudget) } catch { throw ValidationError("\(error)") }
        t.minConfidence = minConfidence
        t.alwaysInclude = alwaysInclude
        t.exclusive = exclusive
        t.quantization = TierOptions.Quantization(rawValue: quantize) ?? .float16
        t.shardBytes = shardSize << 20
        return t
    }
}
