import FoundationEssentials
import GreencapCore

/// The collector's cap rules file (`[policy] rules_file`): the rule half of a policy document, without the
/// grant (id, lease, score), which the collector adds per node. Same field names as `PolicyDocument`.
public enum RulesDocument {
    public static let format = "greencap-rules/1"

    private struct Document: Codable {
        var format: String
        var rules: PolicyDocument.Rules

        enum CodingKeys: String, CodingKey { case format }

        init(format: String, rules: PolicyDocument.Rules) {
            self.format = format
            self.rules = rules
        }

        init(from decoder: any Decoder) throws {
            format = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .format)
            rules = try PolicyDocument.Rules(from: decoder)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(format, forKey: .format)
            try rules.encode(to: encoder)
        }
    }

    public static func decode(_ bytes: [UInt8]) throws(PolicyDocumentError) -> CapRuleSet {
        let document = try PolicyDocument.decodeJSON(Document.self, bytes)
        guard document.format == format else {
            throw PolicyDocumentError(field: "format", problem: "expected \"\(format)\", found \"\(document.format)\"")
        }
        return try document.rules.ruleSet()
    }

    public static func encode(_ rules: CapRuleSet) -> [UInt8] {
        PolicyDocument.encodeJSON(Document(format: format, rules: PolicyDocument.Rules(rules)))
    }
}
