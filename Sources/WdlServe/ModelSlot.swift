import Synchronization

/// The model requests are answered with, swapped whole by a reload. A request takes the current
/// one once, at its start, and finishes on it whatever is swapped in meanwhile.
final class ModelSlot: Sendable {
    private let model: Mutex<ServedModel>

    init(_ model: ServedModel) { self.model = Mutex(model) }

    var current: ServedModel { model.withLock { $0 } }

    func swap(_ new: ServedModel) { model.withLock { $0 = new } }
}
