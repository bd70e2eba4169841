import Foundation

/// The structure of an XGBoost JSON model checked before XGBoost reads it: XGBoost 1.7 trusts the
/// trees' node indices, so a damaged file (an index out of range, a cycle) crashes it, in Python
/// too. Accepted: a `gbtree` of plain numeric splits as Regolith trains them, every array of a tree
/// `num_nodes` long, children after their parent and in range, split features below `num_feature`.
enum XGBoostModelCheck {
    static func check(json: [UInt8]) throws {
        guard let document = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else { throw problem("not JSON") }
        let learner = document["learner"] as? [String: Any]
        let booster = learner?["gradient_booster"] as? [String: Any]
        guard let learner, let booster, booster["name"] as? String == "gbtree", let model = booster["model"] as? [String: Any],
              let trees = model["trees"] as? [[String: Any]], let info = model["tree_info"] as? [Any] else {
            throw problem("no gradient-boosted trees (learner.gradient_booster.model.trees)")
        }
        guard let features = integer((learner["learner_model_param"] as? [String: Any])?["num_feature"]), (1...100_000).contains(features) else {
            throw problem("learner_model_param.num_feature is missing or out of range")
        }
        let parameters = model["gbtree_model_param"] as? [String: Any]
        guard integer(parameters?["num_trees"]) == trees.count, info.count == trees.count, info.allSatisfy({ integer($0) == 0 }),
              integer(parameters?["num_parallel_tree"]) == 1 else {
            throw problem("num_trees, tree_info and the trees disagree")
        }
        for (index, tree) in trees.enumerated() {
            try checkTree(tree, index: index, features: features)
        }
    }

    private static func checkTree(_ tree: [String: Any], index: Int, features: Int) throws {
        let parameters = tree["tree_param"] as? [String: Any]
        guard let nodes = integer(parameters?["num_nodes"]), (1...1_000_000).contains(nodes), integer(parameters?["num_feature"]) == features,
              integer(parameters?["size_leaf_vector"]) == 0, integer(tree["id"]) == index else {
            throw problem("tree \(index): tree_param or id out of range")
        }
        func column(_ key: String) throws -> [Any] {
            guard let values = tree[key] as? [Any], values.count == nodes else { throw problem("tree \(index): \(key) does not hold \(nodes) values") }
            return values
        }
        for key in ["split_conditions", "base_weights", "loss_changes", "sum_hessian"] {
            guard try column(key).allSatisfy({ ($0 as? NSNumber) != nil }) else { throw problem("tree \(index): \(key) holds a non-number") }
        }
        guard try column("default_left").allSatisfy({ integer($0).map { $0 == 0 || $0 == 1 } ?? false }),
              try column("split_type").allSatisfy({ integer($0) == 0 }), (tree["categories_nodes"] as? [Any])?.isEmpty ?? true else {
            throw problem("tree \(index): only numeric splits are read")
        }
        let left = try column("left_children").map(integer), right = try column("right_children").map(integer)
        let parents = try column("parents").map(integer), splits = try column("split_indices").map(integer)
        for node in 0..<nodes {
            // Children come after their parent: every path ends, and every index is a node.
            guard let l = left[node], let r = right[node], (l == -1) == (r == -1), l == -1 || ((node + 1)..<nodes).contains(l) && ((node + 1)..<nodes).contains(r),
                  let parent = parents[node], node == 0 ? parent == Int(Int32.max) : (0..<node).contains(parent),
                  let split = splits[node], (0..<features).contains(split) else {
                throw problem("tree \(index): node \(node) has children, parent or split feature out of range")
            }
        }
    }

    /// An integer given as a JSON number or a string of digits (XGBoost writes parameters as strings).
    private static func integer(_ value: Any?) -> Int? {
        if let string = value as? String { return Int(string) }
        guard let number = value as? NSNumber, let exact = Int(exactly: number.doubleValue), exact.magnitude < 1 << 40 else { return nil }
        return exact
    }

    private static func problem(_ text: String) -> InversionError { InversionError(text) }
}
