/// What reports need of a message's data, read once when the message is accepted and stored
/// with it: its programme, the reward value it issues and the outcome value it reports.
public struct MessageValues: Sendable, Hashable {
    /// The programme (``ReportsConfig/programmePath``'s value, else the template's name).
    public var programme: String
    /// The reward value issued (``TemplateManifest/rewardValuePaths``), nil when none.
    public var rewardValue: MicroMoney?
    /// `outcome_value` (a money object in the data: the deal's value, for ROI), nil when absent.
    public var outcomeValue: MicroMoney?

    /// Creates values.
    public init(programme: String, rewardValue: MicroMoney? = nil, outcomeValue: MicroMoney? = nil) {
        self.programme = programme
        self.rewardValue = rewardValue
        self.outcomeValue = outcomeValue
    }

    /// The data key of the outcome value.
    public static let outcomeValueKey = "outcome_value"

    /// Longest programme name kept (longer text is cut, so a report key stays small).
    public static let maxProgrammeLength = 200

    /// Reads the values from `data`: the programme at `programmePath` (a string or a number;
    /// else `template`), the first of `rewardPaths` present as a money object or a number of
    /// points (`PTS`), and `outcome_value` as a money object.
    public static func read(data: JSONValue, template: String, programmePath: String, rewardPaths: [String]) -> MessageValues {
        var programme = template
        switch data[path: programmePath] {
        case .string(let s)? where !s.trimmingCharacters(in: .whitespaces).isEmpty: programme = String(s.prefix(maxProgrammeLength))
        case .int(let i)?: programme = "\(i)"
        default: break
        }
        var reward: MicroMoney?
        for path in rewardPaths {
            guard let v = data[path: path], v != .null else { continue }
            reward = money(v) ?? MicroMoney.micros(of: v).map { MicroMoney(micros: $0, currency: MicroMoney.points) }
            if reward != nil { break }
        }
        let outcome = data[path: outcomeValueKey].flatMap(money)
        return MessageValues(programme: programme, rewardValue: reward, outcomeValue: outcome)
    }

    /// A money object (`{amount, currency}`, ``Money``) as micros; nil for anything else.
    public static func money(_ value: JSONValue) -> MicroMoney? {
        guard case .object(let object) = value, Money(object) != nil, case .string(let currency)? = object["currency"],
            let amount = object["amount"], let micros = MicroMoney.micros(of: amount)
        else { return nil }
        return MicroMoney(micros: micros, currency: currency)
    }
}
