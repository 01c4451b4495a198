import WideDeep

/// What `wdl --version` prints: the release and the GEMM kernel this CPU gets (as `wdl bench`
/// names it), since the kernel decides how fast and how exactly the deep part computes.
public enum WdlVersion {
    public static let release = "0.1.0"

    public static var description: String { "wdl \(release) (GEMM kernel \(Gemm.kernelName))" }
}
