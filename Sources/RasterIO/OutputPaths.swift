import Foundation

/// A command's outputs checked against its inputs and each other before any work: an output that
/// is an input (by path, or the same file through another path or a link) would destroy it, and
/// two outputs at one path would mix. Also whether each output can be what it is asked to be.
public enum OutputPaths {
    public struct Collision: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    public enum Kind: Sendable { case file, folder }

    /// Refuses the first output that is an input, another output, or inside a folder output that
    /// holds an input; a file output that is a folder, or a folder output that is a file.
    public static func check(outputs: [(path: String, kind: Kind)], inputs: [String]) throws {
        var claimed: [(identity: Identity, path: String)] = []
        for input in inputs {
            claimed.append((Identity(input), input))
        }
        for output in outputs {
            let identity = Identity(output.path)
            if let input = claimed.prefix(inputs.count).first(where: { $0.identity == identity }) {
                throw Collision(description: "\(output.path): is also an input (\(input.path)); writing it would destroy the input — choose another output")
            }
            if let other = claimed.dropFirst(inputs.count).first(where: { $0.identity == identity }) {
                throw Collision(description: "\(output.path): is given twice as an output (also as \(other.path))")
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: output.path, isDirectory: &isDirectory) {
                if output.kind == .file && isDirectory.boolValue {
                    throw Collision(description: "\(output.path): is a folder; give a file name for this output")
                }
                if output.kind == .folder && !isDirectory.boolValue {
                    throw Collision(description: "\(output.path): is a file; give a folder for this output")
                }
            }
            if output.kind == .folder {
                let folder = identity.path.hasSuffix("/") ? identity.path : identity.path + "/"
                if let input = claimed.prefix(inputs.count).first(where: { $0.identity.path.hasPrefix(folder) }) {
                    throw Collision(description: "\(output.path): holds the input \(input.path); write the output elsewhere")
                }
            }
            claimed.append((identity, output.path))
        }
    }

    /// A file's identity: its device and inode when it exists (links and other spellings of the
    /// path meet there), and its absolute path with the folder's links resolved.
    struct Identity: Equatable {
        let path: String
        let node: (device: UInt64, inode: UInt64)?

        init(_ path: String) {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            let folder = url.deletingLastPathComponent().resolvingSymlinksInPath().path
            self.path = (folder as NSString).appendingPathComponent(url.lastPathComponent)
            var info = stat()
            node = stat(path, &info) == 0 ? (UInt64(info.st_dev), UInt64(info.st_ino)) : nil
        }

        static func == (a: Identity, b: Identity) -> Bool {
            if let x = a.node, let y = b.node { return x == y }
            return a.path == b.path
        }
    }
}
